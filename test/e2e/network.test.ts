/**
 * A corporate network on loopback: squid as the only way to reach anything (the endpoints have
 * made-up names that only squid's hosts file knows), and a registry over TLS with a private CA. The
 * GitHub bundle runs as the runner runs it: OIDC token, STS, ECR and the registry all go through the
 * proxy, and the registry's certificate is trusted only through NODE_EXTRA_CA_CERTS.
 */
import { cpSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AwsServer, startAwsServer } from '../harness/aws-server.ts';
import { runAsGitHub } from '../harness/github-runner.ts';
import { makeTempDir, removeDir } from '../harness/process.ts';
import { type RegistryHandle, startRegistry } from '../harness/registry.ts';
import { type SquidHandle, startSquid } from '../harness/squid.ts';
import { makePrivateCa, type PrivateCa } from '../harness/tls.ts';
import { gitWorkspace, type Workspace } from '../harness/workspace.ts';

const bundle = resolve('dist/package-push-chart/index.js');
const roleArn = 'arn:aws:iam::123456789012:role/ci-charts';
const names = {
  oidc: 'token.actions.corp.test',
  sts: 'sts.corp.test',
  ecr: 'api.ecr.corp.test',
  registry: 'registry.corp.test',
};

let dir: string;
let ca: PrivateCa;
let registry: RegistryHandle;
let aws: AwsServer;
let app: Workspace;

beforeAll(async () => {
  dir = makeTempDir('ga-network');
  ca = await makePrivateCa(dir, [names.registry], ['127.0.0.1']);
  registry = await startRegistry({
    auth: true,
    tls: { certFile: ca.certFile, keyFile: ca.keyFile, ca: ca.ca },
  });
  const registryHost = `${names.registry}:${registry.host.split(':')[1]}`;
  aws = await startAwsServer({
    roleArn,
    repositories: ['team/charts/hello'],
    registry: { host: registryHost, ecrPassword: registry.ecrPassword },
    proxyEndpoint: `https://${registryHost}`,
  });
  const source = join(dir, 'source');
  mkdirSync(join(source, 'charts'), { recursive: true });
  cpSync(resolve('test/fixtures/charts/hello'), join(source, 'charts', 'hello'), { recursive: true });
  app = await gitWorkspace(source, join(dir, 'app'));
});

afterAll(async () => {
  await aws?.stop();
  await registry?.stop();
  if (dir) removeDir(dir);
});

/** The harness's endpoints under their made-up names (same ports). */
function namedEnv(): Record<string, string> {
  const rename = (url: string, name: string) => url.replace('127.0.0.1', name);
  const env = aws.env();
  return {
    ...env,
    AWS_ENDPOINT_URL_STS: rename(env.AWS_ENDPOINT_URL_STS!, names.sts),
    AWS_ENDPOINT_URL_ECR: rename(env.AWS_ENDPOINT_URL_ECR!, names.ecr),
    ACTIONS_ID_TOKEN_REQUEST_URL: rename(env.ACTIONS_ID_TOKEN_REQUEST_URL!, names.oidc),
  };
}

const run = (version: string, env: Record<string, string | undefined>) =>
  runAsGitHub(bundle, {
    cwd: app.dir,
    inputs: { 'role-to-assume': roleArn, 'aws-region': 'eu-west-1', namespace: 'team/charts', version },
    env: {
      GITHUB_SHA: app.sha,
      GITHUB_REF: 'refs/heads/main',
      NO_PROXY: undefined,
      no_proxy: undefined,
      ...env,
    },
  });

describe('behind a forward proxy, with a private CA', () => {
  let squid: SquidHandle;
  beforeAll(async () => {
    squid = await startSquid({ hosts: Object.values(names) });
  });
  afterAll(async () => {
    await squid?.stop();
  });

  it('the private CA is trusted only when NODE_EXTRA_CA_CERTS names it', async () => {
    const result = await run('0.5.2', { ...namedEnv(), HTTPS_PROXY: squid.url, http_proxy: squid.url });
    expect(result.code).toBe(1);
    expect(result.stdout + result.stderr).toMatch(/certificate/i);
    expect(result.stdout + result.stderr).toContain(names.registry);
  });

  it('OIDC, STS, ECR and the TLS registry are all reached through the proxy, and the push succeeds', async () => {
    const result = await run('0.5.0', {
      ...namedEnv(),
      HTTPS_PROXY: squid.url,
      http_proxy: squid.url,
      NODE_EXTRA_CA_CERTS: ca.caFile,
    });
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.outputs.ref).toBe(
      `oci://${names.registry}:${registry.host.split(':')[1]}/team/charts/hello:0.5.0`,
    );
    expect(result.outputs.pushed).toBe('true');
    // Squid logs a request when its connection ends: stop it to read the whole log (last test here).
    await squid.stop();
    const log = squid.accessLog();
    console.log(`squid access log:\n${log.join('\n')}`);
    for (const name of Object.values(names))
      expect(
        log.some((line) => line.includes(name)),
        name,
      ).toBe(true);
    expect(log.every((line) => / 200$/.test(line))).toBe(true);
    // The AWS side saw every call, with the token the OIDC endpoint minted.
    expect(aws.requests.map((r) => `${r.service} ${r.operation}`)).toEqual(
      expect.arrayContaining(['oidc token', 'sts AssumeRoleWithWebIdentity', 'ecr GetAuthorizationToken']),
    );
  });

  it('without the proxy the made-up names do not resolve: the run fails naming the host', async () => {
    const result = await run('0.5.1', { ...namedEnv(), NODE_EXTRA_CA_CERTS: ca.caFile });
    expect(result.code).toBe(1);
    expect(result.stdout + result.stderr).toMatch(/token\.actions\.corp\.test|ENOTFOUND|EAI_AGAIN/);
  });
});
