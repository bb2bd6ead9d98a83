import { statSync } from 'node:fs';
import { join } from 'node:path';
import { InputError, UserError } from '../../src/core/errors.ts';
import type { FluxCheckMode } from '../../src/core/flux/finding.ts';
import { checkImageTag } from '../../src/core/flux/image-check.ts';
import { policiesForImage } from '../../src/core/flux/policy.ts';
import type { BuildRequest } from '../../src/core/image/builders/builder.ts';
import { selectBuilder } from '../../src/core/image/builders/select.ts';
import { imageForCommit } from '../../src/core/image/existing.ts';
import { generateTags } from '../../src/core/image/tags.ts';
import type { Logger } from '../../src/core/log.ts';
import { RegistryClient } from '../../src/core/registry/client.ts';
import { isLoopbackHost } from '../../src/core/registry/hosts.ts';
import { resolveRegistry } from '../../src/core/registry/target.ts';
import type { Inputs, RunArgs } from '../../src/definition.ts';
import { childEnv } from '../shared/env.ts';
import { finishFluxCheck, workspaceFlux } from '../shared/flux.ts';
import { awsRegion, registryTargetOptions } from '../shared/registry.ts';
import { workspacePath } from '../shared/workspace.ts';
import { definition } from './definition.ts';
import { parseSecrets } from './secrets.ts';

export { definition };

const REPOSITORY = /^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$/;

export async function run(args: RunArgs<Inputs<typeof definition>>): Promise<Record<string, string>> {
  const { inputs, context, log } = args;
  // Everything that can be checked without the network is checked first: bad input pushes nothing.
  if (!REPOSITORY.test(inputs.repository)) {
    throw new InputError(
      'repository',
      `'${inputs.repository}' is not a valid repository name (lowercase, a-z0-9 and ._-/ separators)`,
    );
  }
  const buildContext = workspacePath(context.workspace, inputs.context, 'context');
  if (!statSync(buildContext.path).isDirectory()) {
    throw new InputError('context', `${inputs.context} is not a folder`);
  }
  const dockerfile = inputs.dockerfile
    ? workspacePath(context.workspace, inputs.dockerfile, 'dockerfile')
    : workspacePath(context.workspace, join(buildContext.display, 'Dockerfile'), 'dockerfile');
  if (!statSync(dockerfile.path).isFile()) {
    throw new InputError('dockerfile', `${dockerfile.display} is not a file`);
  }
  const secrets = parseSecrets(inputs.secrets, context.workspace, process.env, args.mask);
  const { tags, skipped } = generateTags(inputs.tags, {
    sha: context.sha,
    commitTime: context.commitTime,
    ref: context.ref,
    pullRequest: context.pullRequest,
    defaultBranch: context.defaultBranch,
  });
  for (const { rule, reason } of skipped) log.info(`tag rule '${rule}' gives no tag: ${reason}`);
  if (tags.length === 0) {
    throw new InputError(
      'tags',
      `no rule produced a tag for ${context.ref || 'this run'} (add e.g. type=timestamp-sha)`,
    );
  }
  const builder = await selectBuilder(inputs.builder as 'auto' | 'docker' | 'buildah');

  const target = await resolveRegistry(registryTargetOptions(inputs, args, awsRegion(inputs)));
  const image = `${target.host}/${inputs.repository}`;
  const references = tags.map((tag) => `${image}:${tag}`);
  const client = new RegistryClient(
    target.host,
    { username: target.username, password: target.password },
    { logger: log, mask: args.mask },
  );
  await fluxCheck(args, client, image, tags[0]!);
  const outputs = {
    image,
    tag: tags[0]!,
    tags: references.join('\n'),
    digest: '',
    'image-ref': '',
    built: 'false',
  };

  if (inputs['if-exists'] === 'skip' && inputs.push) {
    const existing = await imageForCommit(client, inputs.repository, tags[0]!, context.sha);
    if (existing) {
      log.info(
        `${image}:${tags[0]} already holds ${existing}, built from ${context.sha.slice(0, 7)}: not building again`,
      );
      await retag(client, inputs.repository, existing, tags.slice(1), { dryRun: inputs['dry-run'], log });
      args.summary(summary({ ...outputs, digest: existing }, 'reused (already pushed for this commit)'));
      return { ...outputs, digest: existing, 'image-ref': `${image}@${existing}` };
    }
  }

  const push = inputs.push && !inputs['dry-run'];
  const request: BuildRequest = {
    context: buildContext.path,
    dockerfile: dockerfile.path,
    references,
    buildArgs: inputs['build-args'],
    secrets,
    labels: {
      ...commitLabels(context, inputs.repository),
      ...Object.fromEntries(inputs.labels.map((line) => splitLabel(line))),
    },
    target: inputs.target || undefined,
    platforms: inputs.platforms,
    push,
    cache: inputs.cache ? (builder.name === 'docker' ? `${image}:buildcache` : image) : undefined,
    timestamp: context.commitTime,
    login: target.username
      ? { host: target.host, username: target.username, password: target.password }
      : undefined,
    insecure: isLoopbackHost(target.host),
    workDir: context.tempDir,
    env: childEnv(process.env),
    log,
  };
  log.info(`${builder.name}: building ${references.join(', ')}${push ? ' and pushing' : ''}`);
  await builder.build(request);
  if (!push) {
    const why = inputs['dry-run'] ? 'dry-run: would push' : 'push: false, not pushed';
    log.info(`${why} ${references.join(', ')}`);
    args.summary(summary({ ...outputs, built: 'true' }, why));
    return { ...outputs, built: 'true' };
  }
  const digest = await client.manifestDigest(inputs.repository, tags[0]!);
  if (!digest) throw new UserError(`pushed ${references[0]}, but ${target.host} does not serve it`);
  const result = { ...outputs, digest, 'image-ref': `${image}@${digest}`, built: 'true' };
  args.summary(summary(result, 'built and pushed'));
  return result;
}

/**
 * Before anything is built or pushed: does every ImagePolicy of this image in the workspace accept the
 * primary tag and rank it above what it selects from the registry's tags now?
 */
async function fluxCheck(
  args: RunArgs<Inputs<typeof definition>>,
  client: RegistryClient,
  image: string,
  tag: string,
) {
  const mode = args.inputs['flux-check'] as FluxCheckMode;
  if (mode === 'off') return;
  const flux = await workspaceFlux(args.context.workspace);
  const notes: string[] = [];
  let registryTags: string[] | undefined;
  if (policiesForImage(flux.objects, image).length > 0) {
    registryTags = await client.tags(args.inputs.repository).catch((error: Error) => {
      notes.push(`the tags of ${image} could not be listed (${error.message}): the rank was not checked`);
      return undefined;
    });
  }
  const result = checkImageTag(flux.objects, image, tag, registryTags);
  finishFluxCheck(
    args,
    flux,
    {
      findings: result.findings,
      notes: [...notes, ...result.notes],
      known: { imageTags: (name) => (name === image && registryTags ? [...registryTags, tag] : undefined) },
    },
    { mode, scope: 'the workspace', stops: 'nothing was built or pushed' },
  );
}

function splitLabel(line: string): [string, string] {
  const eq = line.indexOf('=');
  if (eq <= 0) throw new InputError('labels', `'${line}' is not key=value`);
  return [line.slice(0, eq), line.slice(eq + 1)];
}

/** OCI labels from the commit. `created` is the commit time, so a rebuild reproduces the image. */
function commitLabels(context: RunArgs<unknown>['context'], repository: string): Record<string, string> {
  const labels: Record<string, string> = {
    'org.opencontainers.image.revision': context.sha,
    'org.opencontainers.image.title': repository.split('/').pop()!,
  };
  if (context.commitTime !== undefined) {
    labels['org.opencontainers.image.created'] = new Date(context.commitTime * 1000).toISOString();
  }
  if (context.serverUrl && context.repository) {
    labels['org.opencontainers.image.source'] = `${context.serverUrl}/${context.repository}`;
  }
  return labels;
}

/**
 * Points the other tags at the reused manifest: no rebuild, no layer upload. A tag already there is
 * left alone: re-putting it fails on ECR repositories with immutable tags.
 */
async function retag(
  client: RegistryClient,
  repository: string,
  digest: string,
  tags: string[],
  options: { dryRun: boolean; log: Logger },
): Promise<void> {
  let manifest: Awaited<ReturnType<RegistryClient['getManifest']>>;
  for (const tag of tags) {
    if ((await client.manifestDigest(repository, tag)) === digest) {
      options.log.info(`${repository}:${tag} already points at ${digest}`);
      continue;
    }
    if (options.dryRun) {
      options.log.info(`dry-run: would tag ${repository}:${tag} with ${digest}`);
      continue;
    }
    manifest ??= await client.getManifest(repository, digest);
    if (!manifest) throw new UserError(`${repository}@${digest} disappeared from the registry while tagging`);
    await client.putManifest(repository, tag, manifest.body, manifest.mediaType);
    options.log.info(`tagged ${repository}:${tag} with ${digest}`);
  }
}

function summary(outputs: Record<string, string>, what: string): string {
  return [
    `### build-push-image: ${what}`,
    '',
    '| | |',
    '| --- | --- |',
    `| image | \`${outputs.image}\` |`,
    `| tags | ${outputs
      .tags!.split('\n')
      .map((t) => `\`${t.split(':').pop()}\``)
      .join(' ')} |`,
    `| digest | \`${outputs.digest || '(not pushed)'}\` |`,
    '',
  ].join('\n');
}
