import type { ActionDefinition } from '../../src/definition.ts';
import { fluxCheckInput } from '../shared/flux-input.ts';
import { dryRunInput, registryInputs } from '../shared/registry-inputs.ts';

export const definition = {
  name: 'build-push-image',
  title: 'Build and push image',
  description:
    'Build a container image with docker or buildah and push it to AWS ECR (OIDC login) or any OCI registry, with Flux-sortable tags.',
  branding: { icon: 'package', color: 'yellow' },
  inputs: {
    repository: {
      description:
        'Image repository inside the registry, e.g. `my-app` or `team/my-app`: the primary image. Required unless `images` is set.',
      default: '',
    },
    images: {
      description:
        'More images to push the same build to, one per line: `<host>/<repository>` (another registry, e.g. a mirror) or `<repository>` (the same registry), optionally as `name=<image>,enable=true|false`. Without `repository` the first is the primary image. Our registry login goes to the registry of `repository`/`registry` only; log in to the others beforehand (e.g. docker/login-action).',
      type: 'list',
      multiline: true,
      default: '',
    },
    context: { description: 'Build context folder, relative to the workspace.', default: '.' },
    dockerfile: { description: 'Dockerfile path. Default: `<context>/Dockerfile`.', default: '' },
    tags: {
      description:
        "Tag rules, one per line, in docker/metadata-action v6 syntax plus our `type=timestamp-sha` (`<commit time>-<short sha>`, the default): `type=schedule|semver|pep440|match|edge|ref|raw|sha` with `pattern`, `value`, `match`, `group`, `branch`, `event`, `format`, `enable`, `priority`, `prefix`, `suffix`, and the expressions `{{branch}} {{tag}} {{sha}} {{base_ref}} {{is_default_branch}} {{is_not_default_branch}} {{date '<format>' tz='<zone>'}} {{commit_date …}}`. Tags are ordered by priority (timestamp-sha 1100 first); the first is the primary `tag`.",
      type: 'list',
      multiline: true,
      default: 'type=timestamp-sha',
    },
    flavor: {
      description:
        'Global tag behaviour, one per line as in docker/metadata-action: `latest=auto|true|false`, `prefix=<text>[,onlatest=true]`, `suffix=<text>[,onlatest=true]`.',
      type: 'list',
      multiline: true,
      default: 'latest=auto',
    },
    'pr-commit': {
      description:
        "Pull requests: tag and label the pull request's `head` commit (its SHA and commit time), or the `merge` commit the run checked out.",
      options: ['head', 'merge'],
      default: 'head',
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
        'Extra image labels, one `key=value` per line (global expressions allowed); they override the OCI labels set from the repository and commit.',
      type: 'list',
      multiline: true,
      default: '',
    },
    annotations: {
      description:
        'Extra manifest annotations, one `key=value` per line; they override the OCI annotations (the same set as the labels).',
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
    tags: {
      description: 'Every full reference `<image>:<tag>` of every image, one per line.',
      dotenv: 'IMAGE_TAGS',
    },
    version: {
      description: 'The primary tag as docker/metadata-action names it (`org.opencontainers.image.version`).',
      dotenv: 'IMAGE_VERSION',
    },
    digest: {
      description: 'Manifest digest (`sha256:…`) as the registry serves it.',
      dotenv: 'IMAGE_DIGEST',
    },
    'image-ref': { description: 'Immutable reference `<image>@<digest>`.', dotenv: 'IMAGE_REF' },
    'image-refs': {
      description: 'Immutable reference `<image>@<digest>` of every image, one per line, the primary first.',
      dotenv: 'IMAGE_REFS',
    },
    labels: {
      description: 'Labels set on the image, one `key=value` per line (docker/metadata-action `labels`).',
    },
    annotations: {
      description:
        'Annotations set on the image manifest, one `manifest:key=value` per line (docker/metadata-action `annotations`).',
    },
    json: {
      description: "JSON of `tags`, `labels` and `annotations`, as docker/metadata-action's `json` output.",
    },
    built: {
      description: '`true` when an image was built in this run, `false` when an existing one was reused.',
      type: 'boolean',
      dotenv: 'IMAGE_BUILT',
    },
  },
} as const satisfies ActionDefinition;
