import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exec } from '../../src/core/util/exec.ts';
import { type AwsServer, startAwsServer } from '../harness/aws-server.ts';
import { baseImage } from '../harness/base-image.ts';
import { dockerdUnavailableReason, startDockerd } from '../harness/dockerd.ts';
import { parseFileCommand, runAsGitHub } from '../harness/github-runner.ts';
import { node24Version } from '../harness/node-runtime.ts';
import { type RegistryHandle, startRegistry } from '../harness/registry.ts';

/** The harness is shared by every end-to-end suite: check it does what it promises. */

const dir = mkdtempSync(join(tmpdir(), 'ga-harness-test-'));
let registry: RegistryHandle;
let aws: AwsServer;

beforeAll(async () => {
  [registry, aws] = await Promise.all([startRegistry({ auth: false }), startAwsServer()]);
});

afterAll(async () => {
  await Promise.all([registry?.stop(), aws?.stop()]);
  rmSync(dir, { recursive: true, force: true });
});

describe('runAsGitHub', () => {
  it('passes inputs and context like the runner and parses both output forms', async () => {
    const bundle = join(dir, 'bundle.mjs');
    writeFileSync(
      bundle,
      `import { appendFileSync } from 'node:fs';
const e = process.env;
console.log('::add-mask::' + e['INPUT_REGISTRY-PASSWORD']);
appendFileSync(e.GITHUB_OUTPUT, 'role=' + e['INPUT_ROLE-TO-ASSUME'] + '\\n');
appendFileSync(e.GITHUB_OUTPUT, 'tags<<ghadelimiter_1\\na:1\\na:2\\nghadelimiter_1\\n');
appendFileSync(e.GITHUB_OUTPUT, 'context=' + [e.GITHUB_WORKSPACE === process.cwd(), e.GITHUB_REF, e.GITHUB_EVENT_NAME, e.INPUT_MY_INPUT, e.HOST_LEAK ?? 'none'].join(',') + '\\n');
appendFileSync(e.GITHUB_STEP_SUMMARY, '### done\\n');
appendFileSync(e.GITHUB_STATE, 'pushed=true\\n');
process.exitCode = 3;
`,
    );
    process.env.INPUT_HOST_LEAK = 'x';
    const result = await runAsGitHub(bundle, {
      inputs: {
        'role-to-assume': 'arn:aws:iam::123456789012:role/ci',
        'registry-password': 'pw-123',
        'my input': 'spaced',
      },
      env: { GITHUB_REF: 'refs/tags/v1.2.3' },
    });
    delete process.env.INPUT_HOST_LEAK;
    expect(result.code).toBe(3);
    expect(result.outputs).toEqual({
      role: 'arn:aws:iam::123456789012:role/ci',
      tags: 'a:1\na:2',
      context: 'true,refs/tags/v1.2.3,push,spaced,none',
    });
    expect(result.summary).toBe('### done\n');
    expect(result.state).toEqual({ pushed: 'true' });
    expect(result.masks).toEqual(['pw-123']);
  });

  it('rejects a heredoc without its delimiter, as the runner does', () => {
    expect(() => parseFileCommand('x<<EOF\nline\n')).toThrow(/Matching delimiter not found/);
  });
});

describe('aws-server', () => {
  it('refuses an OIDC request without the request token, and tampered JWTs at STS', async () => {
    const res = await fetch(`${aws.oidcUrl}&audience=sts.amazonaws.com`, {
      headers: { authorization: 'Bearer wrong' },
    });
    expect(res.status).toBe(401);
    const token = await aws.idToken('sts.amazonaws.com');
    const [h, p] = token.split('.');
    const claims = JSON.parse(Buffer.from(p!, 'base64url').toString());
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...claims, sub: 'repo:evil/app:ref:refs/heads/main' })).toString('base64url')}.${token.split('.')[2]}`;
    const sts = await fetch(aws.stsUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        Action: 'AssumeRoleWithWebIdentity',
        Version: '2011-06-15',
        RoleArn: aws.config.roleArn,
        RoleSessionName: 'x1',
        WebIdentityToken: forged,
      }),
    });
    expect(sts.status).toBe(400);
    expect(await sts.text()).toContain('<Code>InvalidIdentityToken</Code>');
  });

  it('refuses unsigned ECR calls', async () => {
    const res = await fetch(aws.ecrUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken',
      },
      body: '{}',
    });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { __type: string }).__type).toBe('MissingAuthenticationTokenException');
  });
});

describe('dockerd', () => {
  it('starts a private daemon that pulls the base image from the harness registry and runs it', async (ctx) => {
    const dockerd = await startDockerd();
    if (!dockerd) {
      ctx.skip(`dockerd unavailable: ${dockerdUnavailableReason()}`);
      return;
    }
    try {
      const image = await baseImage(registry);
      const env = { ...process.env, ...dockerd.env };
      await exec('docker', ['pull', '-q', image.ref], { env });
      const run = await exec(
        'docker',
        ['run', '--rm', '--network', 'none', image.ref, 'sh', '-c', 'echo hello; cat /etc/passwd | wc -l'],
        {
          env,
        },
      );
      expect(run.stdout.split('\n')[0]).toBe('hello');
    } finally {
      await dockerd.stop();
    }
  });
});

describe('the GitHub bundles on the runtime action.yml names', () => {
  const actionNames = ['build-push-image', 'package-push-chart', 'bump-gitops-tag', 'verify-paths-filter'];
  it.each(actionNames)('%s: action.yml says node24, and the bundle runs on Node 24 here', async (name) => {
    const actionYml = readFileSync(join(import.meta.dirname, '../..', name, 'action.yml'), 'utf8');
    expect(actionYml).toMatch(/^ {2}using: node24$/m);
    // A bad input: the bundle loads, checks inputs and fails as designed (exit 2), without any service.
    const run = await runAsGitHub(join(import.meta.dirname, '../../dist', name, 'index.js'), {
      cwd: dir,
      inputs: { 'dry-run': 'maybe', 'loop-guard': 'maybe' },
    });
    expect(run.node).toBe(node24Version());
    expect(run.node).toMatch(/^v24\./);
    expect(run.code).toBe(2);
    expect(run.stdout).toMatch(/^::error::/m);
  });
});
