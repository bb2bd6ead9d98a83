import type { ActionDefinition } from '../../src/definition.ts';
import { fluxCheckInput } from '../shared/flux-input.ts';

export const definition = {
  name: 'verify-paths-filter',
  title: 'Verify paths and filter changes',
  description:
    'Named change filters from local git (no file-count cap), and a guard that fails when a build trigger would fire on the files GitOps automation writes.',
  ready: true,
  branding: { icon: 'filter', color: 'purple' },
  inputs: {
    filters: {
      description:
        'YAML map of filter name to globs (or the path of a file holding it); `!glob` excludes. A file matches when it matches an include and no exclude, in any order; only excludes = everything else. Rules may be limited to change types: `added|modified: glob`. Empty: no change filter, only the loop guard.',
      default: '',
    },
    base: {
      description:
        'Commit, branch or tag to compare against (merge base with it). Default: from the event (push: before; new branch: merge base with the default branch; pull/merge request: merge base with the target).',
      default: '',
    },
    dialect: {
      description:
        '`picomatch` (dorny/paths-filter semantics) or `gitlab` (GitLab `rules:changes` matching: `dir/**` is one level, write `dir/**/*`).',
      options: ['picomatch', 'gitlab'],
      default: 'picomatch',
    },
    'loop-guard': {
      description:
        'Fail when a build trigger would fire on paths that automation writes. `false`: report only.',
      type: 'boolean',
      default: true,
    },
    token: {
      description:
        'Token for fetching the history a shallow checkout lacks (over https, sent only to that host). Masked. Not needed when the checkout kept its credentials or the repository is public.',
      default: '',
      githubDefault: '${{ github.token }}',
      secret: true,
      githubOnly: true,
    },
    'gitops-paths': {
      description:
        'More globs written by automation (picomatch), one per line, added to what the guard finds by itself.',
      type: 'list',
      multiline: true,
      default: '',
    },
    ...fluxCheckInput,
  },
  outputs: {
    changes: { description: 'JSON list of the filters that matched.', dotenv: 'PATHS_CHANGES' },
    'loop-risk': {
      description: '`true` when a build trigger would fire on automation-written paths.',
      dotenv: 'PATHS_LOOP_RISK',
    },
    'base-sha': {
      description:
        'Commit the changes were compared against (empty when every file of the commit counted as added).',
      dotenv: 'PATHS_BASE_SHA',
    },
  },
  dynamicOutputs:
    'Per filter: `<name>` (`true`/`false`), `<name>-files` (JSON list), `<name>-count`. In the GitLab dotenv report: `PATHS_<NAME>` and `PATHS_<NAME>_COUNT` (file lists are left out: dotenv values cannot hold them).',
  // Dotenv keys allow [A-Za-z0-9_] only; file lists can exceed GitLab's 5 KB report limit.
  dynamicDotenv: (output: string) =>
    output.endsWith('-files') ? undefined : `PATHS_${output.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`,
} as const satisfies ActionDefinition;
