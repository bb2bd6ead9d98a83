/** The `flux-check` input every action shares (kept apart from the check, which loads YAML). */
import { FLUX_CHECK_MODES } from '../../src/core/flux/finding.ts';
import type { InputSpec } from '../../src/definition.ts';

export const fluxCheckInput = {
  'flux-check': {
    description:
      'Check the Flux configuration against what this step produces (ImagePolicy filterTags and order, HelmRelease/OCIRepository ranges and sources, setter markers): `warn` annotates each finding, `fail` also stops before anything is pushed or committed, `off` skips the check.',
    options: FLUX_CHECK_MODES,
    default: 'warn',
  },
} as const satisfies Record<string, InputSpec>;
