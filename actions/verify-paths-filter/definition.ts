import type { ActionDefinition } from '../../src/definition.ts';

export const definition = {
  name: 'verify-paths-filter',
  title: 'Verify paths and filter changes',
  description:
    'Named change filters from local git (no file-count cap), and a guard that fails when a build trigger would fire on the files GitOps automation writes.',
  ready: false,
  branding: { icon: 'filter', color: 'purple' },
  inputs: {
    filters: {
      description:
        'YAML map of filter name to globs; `!glob` excludes. A file matches when it matches an include and no exclude.',
      default: '',
    },
    base: {
      description:
        'Commit, branch or tag to compare against. Default: from the event (push: before; pull request: merge base with the target).',
      default: '',
    },
    dialect: {
      description:
        '`picomatch` (dorny/paths-filter semantics) or `gitlab` (GitLab `rules:changes` matching).',
      options: ['picomatch', 'gitlab'],
      default: 'picomatch',
    },
    'loop-guard': {
      description: 'Fail when a build trigger would fire on paths that automation writes.',
      type: 'boolean',
      default: true,
    },
    'gitops-paths': {
      description: 'Extra paths written by automation, one glob per line.',
      type: 'list',
      default: '',
    },
  },
  outputs: {
    changes: { description: 'JSON list of the filters that matched.', dotenv: 'PATHS_CHANGES' },
    'loop-risk': {
      description: '`true` when a build trigger would fire on automation-written paths.',
      dotenv: 'PATHS_LOOP_RISK',
    },
  },
  dynamicOutputs: 'Per filter: `<name>` (`true`/`false`), `<name>-files` (JSON list), `<name>-count`.',
} as const satisfies ActionDefinition;
