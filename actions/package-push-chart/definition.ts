import type { ActionDefinition } from '../../src/definition.ts';
import { fluxCheckInput } from '../shared/flux-input.ts';
import { dryRunInput, registryInputs } from '../shared/registry-inputs.ts';

export const definition = {
  name: 'package-push-chart',
  title: 'Package and push Helm chart',
  description:
    'Package a Helm chart exactly as Helm does and push it to AWS ECR (OIDC login) or any OCI registry, without Helm installed.',
  branding: { icon: 'anchor', color: 'blue' },
  inputs: {
    chart: {
      description:
        'Chart folder, inside the workspace. Default: the single chart folder under `charts/`. apiVersion v2; v1 (Helm 2) is packaged with a warning.',
      default: '',
    },
    version: {
      description:
        'Chart version, strict semver (`1.2.3`, `1.2.3-rc.1+build.5`; no leading `v`). Default: Chart.yaml `version`.',
      default: '',
    },
    'app-version': {
      description: 'Sets `appVersion` in the packaged Chart.yaml, e.g. the image tag.',
      default: '',
    },
    namespace: {
      description: 'OCI namespace inside the registry; the chart lands at `<namespace>/<name>:<version>`.',
      default: 'charts',
    },
    'if-exists': {
      description:
        'When the version exists with different content: `fail` (bump the version) or `skip`. Same content is always skipped.',
      options: ['fail', 'skip'],
      default: 'fail',
    },
    'create-repository': {
      description: 'Create the ECR repository `<namespace>/<name>` (immutable tags) when it does not exist.',
      type: 'boolean',
      default: false,
    },
    ...registryInputs,
    ...dryRunInput,
    ...fluxCheckInput,
  },
  outputs: {
    name: { description: 'Chart name.', dotenv: 'CHART_NAME' },
    version: { description: 'Chart version pushed.', dotenv: 'CHART_VERSION' },
    ref: {
      description: '`oci://<registry>/<namespace>/<name>:<tag>` (`+` written as `_`).',
      dotenv: 'CHART_REF',
    },
    digest: { description: 'Manifest digest of the chart in the registry.', dotenv: 'CHART_DIGEST' },
    pushed: {
      description: '`true` when this run pushed, `false` when the same chart was already there.',
      type: 'boolean',
      dotenv: 'CHART_PUSHED',
    },
  },
} as const satisfies ActionDefinition;
