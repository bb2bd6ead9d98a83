import type { ActionDefinition } from '../../src/definition.ts';
import { fluxCheckInput } from '../shared/flux-input.ts';
import { dryRunInput, registryInputs } from '../shared/registry-inputs.ts';

export const definition = {
  name: 'build-push-image',
  title: 'Build and push image',
  description:
    'Build a container image with docker or buildah and push it to AWS ECR (OIDC login) or any OCI registry, with Flux-sortable tags.',
  ready: true,
  branding: { icon: 'package', color: 'yellow' },
  inputs: {
    repository: {
      description: 'Image repository inside the registry, e.g. `my-app` or `team/my-app`.',
      required: true,
    },
    context: { description: 'Build context folder, relative to the workspace.', default: '.' },
    dockerfile: { description: 'Dockerfile path. Default: `<context>/Dockerfile`.', default: '' },
    tags: {
      description:
        'Tag rules, one per line (docker/metadata-action syntax): `type=timestamp-sha`, `type=sha`, `type=ref,event=branch|tag|pr`, `type=semver,pattern={{version}}[,match=<regex>]`, `type=raw,value=<tag>`. The first tag produced is the primary `tag`.',
      type: 'list',
      multiline: true,
      default: 'type=timestamp-sha',
    },
    'build-args': {
      description:
        'Build arguments, one `NAME=value` per line. Values end up in the image history: pass tokens as `secrets`.',
      type: 'list',
      multiline: true,
      default: '',
    },
    secrets: {
      description:
        'Build secrets, one per line: `id=<id>,env=<VAR>` (from an environment variable) or `id=<id>,src=<file>` (relative to the workspace). Read in the Dockerfile with `RUN --mount=type=secret,id=<id>`; values are masked and never reach argv, logs or the image.',
      type: 'list',
      multiline: true,
      default: '',
    },
    target: { description: 'Target stage of a multi-stage Dockerfile.', default: '' },
    platforms: {
      description: "Target platforms, comma-separated (e.g. `linux/amd64,linux/arm64`). Empty: the runner's.",
      type: 'list',
      default: '',
    },
    labels: {
      description:
        'Extra image labels, one `key=value` per line (OCI labels from the commit are always set).',
      type: 'list',
      multiline: true,
      default: '',
    },
    builder: {
      description:
        '`docker` (buildx when present), `buildah` (daemonless), or `auto`: docker when a daemon answers, else buildah.',
      options: ['auto', 'docker', 'buildah'],
      default: 'auto',
    },
    cache: {
      description:
        'Registry layer cache: `true` uses `<image>:buildcache` (docker) or the image repository (buildah). Read on every build, written only when pushing.',
      type: 'boolean',
      default: false,
    },
    push: { description: 'Push the image. `false` builds only.', type: 'boolean', default: true },
    'if-exists': {
      description:
        '`skip`: when the primary tag already exists in the registry, reuse it and build nothing. `rebuild`: always build.',
      options: ['skip', 'rebuild'],
      default: 'skip',
    },
    ...registryInputs,
    ...dryRunInput,
    ...fluxCheckInput,
  },
  outputs: {
    image: { description: 'Image name without tag: `<registry>/<repository>`.', dotenv: 'IMAGE_NAME' },
    tag: { description: 'Primary tag (the first tag produced by the rules).', dotenv: 'IMAGE_TAG' },
    tags: { description: 'Every full reference `<image>:<tag>`, one per line.', dotenv: 'IMAGE_TAGS' },
    digest: {
      description: 'Manifest digest (`sha256:…`) as the registry serves it.',
      dotenv: 'IMAGE_DIGEST',
    },
    'image-ref': { description: 'Immutable reference `<image>@<digest>`.', dotenv: 'IMAGE_REF' },
    built: {
      description: '`true` when an image was built in this run, `false` when an existing one was reused.',
      dotenv: 'IMAGE_BUILT',
    },
  },
} as const satisfies ActionDefinition;
