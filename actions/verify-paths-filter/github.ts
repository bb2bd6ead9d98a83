/** The GitHub Action's entry, bundled as dist/<action>/index.js: the action's code loads once its inputs pass. */
import { runOnGitHub } from '../../src/platform/github-main.ts';
import { definition } from './definition.ts';

await runOnGitHub({ definition, load: () => import('./index.ts') });
