import { LIST_FORMATS } from '../../src/core/paths/list-files.ts';
import type { ActionDefinition } from '../../src/definition.ts';
import { fluxCheckInput } from '../shared/flux-input.ts';

export const definition = {
  name: 'verify-paths-filter',
  title: 'Verify paths and filter changes',
  description:
    'Named change filters from local git (no file-count cap), and a guard that fails when a build trigger would fire on the files GitOps automation writes.',
  branding: { icon: 'filter', color: 'purple' },
  inputs: {
    filters: {
      description:
        'YAML map of filter name to globs (or the path of a file holding it); `!glob` excludes. A file matches when it matches an include and no exclude, in any order; only excludes = everything else. Rules may be limited to change types: `added|modified: glob`. Empty: no change filter, only the loop guard.',
      default: '',
    },
    base: {
      description:
        'Commit, branch or tag to compare against (merge base with it). Default: from the event (push: before; new branch: merge base with the default branch; pull/merge request: merge base with the target). The zero SHA (the `before` of a new branch: `github.event.before`, `$CI_COMMIT_BEFORE_SHA`) applies the new-branch rule; the branch being pushed means its previous head.',
      default: '',
    },
    ref: {
      description:
        "Branch, tag or commit whose changes are detected, instead of the run's commit (e.g. a `workflow_dispatch` on the default branch checking another branch). Ignored for pull/merge requests.",
      default: '',
    },
    'list-files': {
      description:
        'Format of the `<filter>_files` outputs: `none` (not set), `json` (a JSON list; safest), `csv`, `shell` (quoted shell words), `escape` (backslash-escaped shell words).',
      options: LIST_FORMATS,
      default: 'none',
    },
    'predicate-quantifier': {
      description:
        '`some`: a file matches a filter when it matches any of its globs; `every`: when it matches all of them. `!` excludes veto in both.',
      options: ['some', 'every'],
      default: 'some',
    },
    'working-directory': {
      description: 'Folder of the repository, relative to the workspace (where it was checked out).',
      default: '',
    },
    'initial-fetch-depth': {
      description:
        'Commits fetched first when a shallow clone lacks the history to compare; doubled on each further fetch until the merge base is found.',
      type: 'number',
      default: 100,
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
    changes: {
      description: 'JSON list of the filters that matched.',
      type: 'json',
      dotenv: 'PATHS_CHANGES',
    },
    'loop-risk': {
      description: '`true` when a build trigger would fire on automation-written paths.',
      type: 'boolean',
      dotenv: 'PATHS_LOOP_RISK',
    },
    'base-sha': {
      description:
        'Commit the changes were compared against (empty when every file of the commit counted as added).',
      dotenv: 'PATHS_BASE_SHA',
    },
  },
  dynamicOutputs:
    'Per filter: `<name>` (`true`/`false`), `<name>_count`, `<name>_files` (in the `list-files` format; not set with `none`). The older names `<name>-count` and `<name>-files` (always a JSON list) are kept as aliases. In the GitLab dotenv report: `PATHS_<NAME>` and `PATHS_<NAME>_COUNT` (file lists are left out: dotenv values cannot hold them).',
  // Dotenv keys allow [A-Za-z0-9_] only; file lists can exceed GitLab's 5 KB report limit.
  dynamicDotenv: (output: string) =>
    /[-_]files$/.test(output) ? undefined : `PATHS_${output.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`,
  dynamicType: (output, inputs) => {
    if (/[-_]count$/.test(output)) return 'number';
    if (output.endsWith('-files')) return 'json';
    if (output.endsWith('_files')) return inputs['list-files'] === 'json' ? 'json' : 'string';
    return 'boolean';
  },
} as const satisfies ActionDefinition;
