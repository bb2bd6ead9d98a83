import { statSync } from 'node:fs';
import { join } from 'node:path';
import { knownEnv } from '../../src/core/env-vars.ts';
import { InputError, UserError } from '../../src/core/errors.ts';
import { checkImageTag } from '../../src/core/flux/image-check.ts';
import { policiesForImage } from '../../src/core/flux/policy.ts';
import type { BuildRequest } from '../../src/core/image/builders/builder.ts';
import { selectBuilder } from '../../src/core/image/builders/select.ts';
import { imageForCommit } from '../../src/core/image/existing.ts';
import { type ImageFacts, imageLabels, labelLines } from '../../src/core/image/labels.ts';
import { Expressions, generateTags, type TagSource } from '../../src/core/image/tags.ts';
import type { Logger } from '../../src/core/log.ts';
import { RegistryClient } from '../../src/core/registry/client.ts';
import { copyImage } from '../../src/core/registry/copy.ts';
import { userLogin } from '../../src/core/registry/docker-config.ts';
import { isLoopbackHost } from '../../src/core/registry/hosts.ts';
import { resolveRegistry } from '../../src/core/registry/target.ts';
import { childEnv } from '../../src/core/util/env.ts';
import type { Inputs, RunArgs } from '../../src/definition.ts';
import { DryRunChecks, uncheckedTarget } from '../shared/dry-run.ts';
import { finishFluxCheck, workspaceFlux } from '../shared/flux.ts';
import { awsRegion, registryTargetOptions } from '../shared/registry.ts';
import { workspacePath } from '../shared/workspace.ts';
import { definition } from './definition.ts';
import { imageNames } from './images.ts';
import { parseSecrets } from './secrets.ts';

export { definition };

export async function run(args: RunArgs<Inputs<typeof definition>>): Promise<Record<string, string>> {
  const { inputs, context, log } = args;
  // Everything that can be checked without the network is checked first: bad input pushes nothing.
  const names = imageNames(inputs.repository, inputs.images);
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
  const commit = taggedCommit(context, inputs['pr-commit'], log);
  const source: TagSource = {
    ...commit,
    ref: context.ref,
    event: context.event,
    defaultBranch: context.defaultBranch,
    baseRef: context.baseRef,
    now: new Date(),
    shortShaLength: shortShaLength(knownEnv().DOCKER_METADATA_SHORT_SHA_LENGTH),
  };
  const { tags, version, skipped, warnings } = generateTags(inputs.tags, source, inputs.flavor);
  for (const { rule, reason } of skipped) log.info(`tag rule '${rule}' gives no tag: ${reason}`);
  for (const warning of warnings) log.warning(warning);
  if (tags.length === 0) {
    throw new InputError(
      'tags',
      `no rule produced a tag for ${context.ref || 'this run'} (add e.g. type=timestamp-sha)`,
    );
  }
  const expressions = new Expressions(source);
  const facts = imageFacts(context, commit, version, names[0]!.repository);
  const labels = imageLabels(facts, inputs.labels, 'labels', expressions);
  const annotations = imageLabels(facts, inputs.annotations, 'annotations', expressions);
  const builder = await selectBuilder(inputs.builder);

  const dryRun = inputs['dry-run'];
  const checks = new DryRunChecks(dryRun, log);
  const region = awsRegion(inputs);
  const target =
    (await checks.credentials('the registry login', () =>
      resolveRegistry(registryTargetOptions(inputs, args, region)),
    )) ?? uncheckedTarget(inputs.registry, region);
  const images = names.map(({ host, repository }) => ({ host: host ?? target.host, repository }));
  const clients = new Map<string, RegistryClient>();
  for (const { host } of images) {
    if (clients.has(host)) continue;
    // Our login is for the target registry only; another registry is read with the user's own.
    const login =
      host === target.host
        ? { username: target.username, password: target.password }
        : ((await userLogin(host, process.env)) ?? { username: '', password: '' });
    // A dry run asks once: offline, it says so at once instead of retrying.
    const retry = dryRun ? { attempts: 1 } : undefined;
    clients.set(host, new RegistryClient(host, login, { logger: log, mask: args.mask, retry }));
  }
  const primary = images[0]!;
  const imageName = (image: { host: string; repository: string }) => `${image.host}/${image.repository}`;
  const references = images.flatMap((image) => tags.map((tag) => `${imageName(image)}:${tag}`));
  await fluxCheck(args, clients.get(primary.host)!, primary.repository, imageName(primary), tags[0]!);
  const outputs = {
    image: imageName(primary),
    tag: tags[0]!,
    tags: references.join('\n'),
    version,
    digest: '',
    'image-ref': '',
    'image-refs': '',
    built: 'false',
    labels: labelLines(labels).join('\n'),
    annotations: labelLines(annotations, 'manifest:').join('\n'),
    json: JSON.stringify({ tags: references, labels, annotations: labelLines(annotations, 'manifest:') }),
  };
  const refs = (digest: string) => images.map((image) => `${imageName(image)}@${digest}`).join('\n');

  const primaryClient = clients.get(primary.host)!;
  const primaryRefs = tags.map((tag) => `${outputs.image}:${tag}`);
  /** The other images get the primary's manifest byte for byte: one digest everywhere. */
  const mirror = async (digest: string) => {
    for (const image of images.slice(1)) {
      const client = clients.get(image.host)!;
      const there = await checks.registry(`whether ${imageName(image)} holds this commit`, () =>
        imageForCommit(client, image.repository, tags[0]!, commit.sha),
      );
      if (there === digest) {
        await retag(client, image.repository, digest, tags.slice(1), { dryRun: inputs['dry-run'], log });
      } else if (inputs['dry-run']) {
        log.info(`dry-run: would copy ${outputs.image}@${digest} to ${imageName(image)}`);
      } else {
        const from = { client: primaryClient, repository: primary.repository };
        await copyImage(from, { client, repository: image.repository }, digest, tags, log);
      }
    }
  };

  checks.skipped(`whether ${outputs.image}:${tags[0]} exists`);
  /** In a dry run: can the registry be reached? Offline, the build goes without it. */
  const reachable = async () => {
    if (checks.unchecked.length > 0) return false;
    const found = await checks.registry(`whether ${outputs.image}:${tags[0]} exists`, async () => ({
      digest: await primaryClient.manifestDigest(primary.repository, tags[0]!),
    }));
    if (found)
      log.info(
        `dry-run: ${outputs.image}:${tags[0]} ${found.digest ? `exists (${found.digest})` : 'is free'}`,
      );
    return found !== undefined;
  };

  if (inputs['if-exists'] === 'skip' && inputs.push && checks.unchecked.length === 0) {
    const existing = await checks.registry(`whether ${outputs.image}:${tags[0]} holds this commit`, () =>
      imageForCommit(primaryClient, primary.repository, tags[0]!, commit.sha),
    );
    if (existing) {
      log.info(
        `${outputs.image}:${tags[0]} already holds ${existing}, built from ${commit.sha.slice(0, 7)}: not building again`,
      );
      await retag(primaryClient, primary.repository, existing, tags.slice(1), {
        dryRun: inputs['dry-run'],
        log,
      });
      await mirror(existing);
      const result = {
        ...outputs,
        digest: existing,
        'image-ref': `${outputs.image}@${existing}`,
        'image-refs': refs(existing),
      };
      args.summary(summary(result, 'reused (already pushed for this commit)'));
      return result;
    }
  }

  const push = inputs.push && !dryRun;
  // Offline, a dry run builds without the registry: no login, no layer cache from it.
  const online = !dryRun || (await reachable());
  const request: BuildRequest = {
    context: buildContext.path,
    dockerfile: dockerfile.path,
    references: primaryRefs,
    buildArgs: inputs['build-args'],
    secrets,
    labels,
    annotations,
    target: inputs.target || undefined,
    platforms: inputs.platforms,
    push,
    cache:
      inputs.cache && online
        ? builder.name === 'docker'
          ? `${outputs.image}:buildcache`
          : outputs.image
        : undefined,
    timestamp: commit.commitTime,
    login:
      target.username && online
        ? { host: target.host, username: target.username, password: target.password }
        : undefined,
    insecure: isLoopbackHost(primary.host),
    workDir: context.tempDir,
    env: childEnv(process.env, builder.meantEnv),
    log,
  };
  log.info(`${builder.name}: building ${primaryRefs.join(', ')}${push ? ' and pushing' : ''}`);
  await builder.build(request);
  if (!push) {
    const why = inputs['dry-run'] ? 'dry-run: would push' : 'push: false, not pushed';
    log.info(`${why} ${references.join(', ')}`);
    checks.report();
    args.summary(summary({ ...outputs, built: 'true' }, why));
    return { ...outputs, built: 'true' };
  }
  const digest = await primaryClient.manifestDigest(primary.repository, tags[0]!);
  if (!digest) throw new UserError(`pushed ${primaryRefs[0]}, but ${primary.host} does not serve it`);
  await mirror(digest);
  const result = {
    ...outputs,
    digest,
    'image-ref': `${outputs.image}@${digest}`,
    'image-refs': refs(digest),
    built: 'true',
  };
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
  repository: string,
  image: string,
  tag: string,
) {
  const mode = args.inputs['flux-check'];
  if (mode === 'off') return;
  const flux = await workspaceFlux(args.context.workspace);
  const notes: string[] = [];
  let registryTags: string[] | undefined;
  if (policiesForImage(flux.objects, image).length > 0) {
    registryTags = await client.tags(repository).catch((error: Error) => {
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

/**
 * The commit the tags and labels describe. A pull request's head commit by default (what its
 * author pushed), not the merge commit the run checked out; that one with `pr-commit: merge`.
 */
function taggedCommit(
  context: RunArgs<unknown>['context'],
  prCommit: 'head' | 'merge',
  log: Logger,
): { sha: string; commitTime?: number } {
  const head = context.pullRequestHead;
  if (prCommit === 'merge' || !head || head.sha === context.sha) {
    return { sha: context.sha, commitTime: context.commitTime };
  }
  if (head.commitTime === undefined) {
    log.warning(
      `the pull request head ${head.sha.slice(0, 7)} is not in the checkout, so its commit time is unknown: tagging the merge commit ${context.sha.slice(0, 7)} (fetch the head, e.g. actions/checkout with fetch-depth: 2, or set pr-commit: merge)`,
    );
    return { sha: context.sha, commitTime: context.commitTime };
  }
  return head;
}

function shortShaLength(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const length = Number(value);
  if (!Number.isInteger(length) || length < 1) {
    throw new InputError('DOCKER_METADATA_SHORT_SHA_LENGTH', `'${value}' is not a positive whole number`);
  }
  return length;
}

/**
 * OCI facts as docker/metadata-action takes them from the repository payload, except `created`:
 * the commit time (the image's own timestamp), so a rebuild of a commit reproduces the image.
 */
function imageFacts(
  context: RunArgs<unknown>['context'],
  commit: { sha: string; commitTime?: number },
  version: string,
  repository: string,
): ImageFacts {
  const info = context.repositoryInfo ?? {};
  const url =
    info.url ?? (context.serverUrl && context.repository ? `${context.serverUrl}/${context.repository}` : '');
  return {
    title: info.name ?? context.repository?.split('/').pop() ?? repository.split('/').pop()!,
    description: info.description ?? '',
    url,
    version,
    created: new Date((commit.commitTime ?? Math.floor(Date.now() / 1000)) * 1000).toISOString(),
    revision: commit.sha,
    licenses: info.license && info.license !== 'NOASSERTION' ? info.license : '',
  };
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
