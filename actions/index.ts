import type { ActionDefinition, ActionModule } from '../src/definition.ts';
import { definition as buildPushImage } from './build-push-image/definition.ts';
import { definition as bumpGitopsTag } from './bump-gitops-tag/definition.ts';
import { definition as packagePushChart } from './package-push-chart/definition.ts';
import { definition as verifyPathsFilter } from './verify-paths-filter/definition.ts';

/** Every action, in golden-path order. Definitions are cheap; `load` brings the code on demand. */
export const actions: { definition: ActionDefinition; load: () => Promise<ActionModule> }[] = [
  { definition: buildPushImage, load: () => import('./build-push-image/index.ts') as Promise<ActionModule> },
  {
    definition: packagePushChart,
    load: () => import('./package-push-chart/index.ts') as Promise<ActionModule>,
  },
  { definition: bumpGitopsTag, load: () => import('./bump-gitops-tag/index.ts') as Promise<ActionModule> },
  {
    definition: verifyPathsFilter,
    load: () => import('./verify-paths-filter/index.ts') as Promise<ActionModule>,
  },
];
