import { BUMP_FILES_INPUT } from '../../src/core/gitops/bump-defaults.ts';
import type { ActionDefinition } from '../../src/definition.ts';
import { fluxCheckInput } from '../shared/flux-input.ts';
import { dryRunInput } from '../shared/registry-inputs.ts';

/** GitLab's default author when the token's user cannot be asked (the CI job token cannot). */
export function gitlabFallbackAuthor(context: { serverUrl?: string }): { name: string; email: string } {
  const host = context.serverUrl ? new URL(context.serverUrl).hostname : 'gitlab.com';
  return { name: 'GitLab CI', email: `gitlab-ci@noreply.${host}` };
}

export const definition = {
  name: 'bump-gitops-tag',
  title: 'Bump GitOps image tag',
  description:
    'Set a new image tag in GitOps YAML (Flux setters, HelmRelease values, kustomize images) byte-exactly, and push or open a pull request, safely under concurrency.',
  branding: { icon: 'git-commit', color: 'green' },
  inputs: {
    repository: {
      description:
        'GitOps repository: `owner/name` on this server, or any git URL. Default: the current repository.',
      default: '',
    },
    token: {
      description: 'Token for git push and the pull/merge request API. Masked.',
      default: '',
      githubDefault: '${{ github.token }}',
      secret: true,
    },
    branch: { description: "Branch to update. Default: the repository's default branch.", default: '' },
    files: {
      description:
        "Globs of the YAML files to search and edit, one per line (`!` excludes). Only their folders (and those folders' parents) are checked out.",
      type: 'list',
      // One definition with the loop guard, which reads bump steps by the same rule and default.
      multiline: BUMP_FILES_INPUT.multiline,
      default: BUMP_FILES_INPUT.default,
    },
    image: {
      description:
        'Image repository whose tag to set (e.g. `123456789012.dkr.ecr.eu-west-1.amazonaws.com/my-app`).',
      required: true,
    },
    tag: { description: 'The new tag.', required: true },
    strategy: {
      description:
        'How to find the tag: `setters` (Flux `$imagepolicy` markers), `helmrelease` (values `repository` + `tag`), `kustomize` (`images[]` `newTag`; appends a missing entry), `yaml-path`, or `auto`: the first of these, in that order, that matches in any file.',
      options: ['auto', 'setters', 'helmrelease', 'kustomize', 'yaml-path'],
      default: 'auto',
    },
    'yaml-path': {
      description:
        'Dotted path of the tag (or `image:tag`) scalar, e.g. `spec.values.image.tag` or `spec.template.spec.containers[name=app].image`. Used by `strategy: yaml-path`, and last by `auto`.',
      default: '',
    },
    mode: {
      description:
        '`push` commits to the branch; `pull-request` pushes a branch and opens (or updates) a pull/merge request.',
      options: ['push', 'pull-request'],
      default: 'push',
    },
    'commit-via': {
      description:
        '`git` pushes a commit made here. `api` has the platform write it (GitHub GraphQL `createCommitOnBranch`, GitLab Commits API), so the platform signs it and branches that require verified commits accept it; mode `push` only. Either way a moved branch is retried from its fresh head.',
      options: ['git', 'api'],
      default: 'git',
    },
    'commit-message': {
      description:
        'Commit message. Default: `chore(deploy): update <image> to <tag>`, plus `[skip ci]` when pushing to the repository this run builds. A `GitOps-Bump: <image>:<tag>` trailer is always added.',
      default: '',
    },
    'author-name': {
      description:
        "Commit author name. Default: `github-actions[bot]` on GitHub; on GitLab the token's user (a project or group access token's bot), else `GitLab CI`; on the CLI git's `user.name`.",
      default: '',
      githubDefault: 'github-actions[bot]',
    },
    'author-email': {
      description:
        "Commit author email. Default: `41898282+github-actions[bot]@users.noreply.github.com` on GitHub; on GitLab the token's user's commit email, else `gitlab-ci@noreply.<server host>`; on the CLI git's `user.email`.",
      default: '',
      githubDefault: '41898282+github-actions[bot]@users.noreply.github.com',
    },
    'pull-request-title': {
      description: 'Title of the pull/merge request. Default: the commit subject.',
      default: '',
    },
    'pull-request-body': {
      description: 'Body of the pull/merge request. Default: a table of the changes.',
      default: '',
    },
    labels: {
      description:
        'Labels for the pull/merge request, one per line or comma-separated. Added, never removed.',
      type: 'list',
      default: '',
    },
    reviewers: {
      description:
        'Reviewers to request: user names, or `org/team` for a GitHub team. GitLab: user names, set through its API (needs a token other than the job token).',
      type: 'list',
      default: '',
    },
    assignees: {
      description: 'Assignees (user names) of the pull/merge request.',
      type: 'list',
      default: '',
    },
    draft: { description: 'Open the pull/merge request as a draft.', type: 'boolean', default: false },
    'auto-merge': {
      description:
        '`merge`, `squash` or `rebase`: let the request merge itself once its checks pass, where the repository allows it (GitHub auto-merge; GitLab "merge when the pipeline succeeds", with the project\'s merge method). `off`: never.',
      options: ['off', 'merge', 'squash', 'rebase'],
      default: 'off',
    },
    'only-if-newer': {
      description:
        "Never replace a newer tag: order tags like the repository's ImagePolicy for the image, else numerically for `<unix-seconds>-<sha>` tags or by semver; other tags need `false`.",
      type: 'boolean',
      default: true,
    },
    'max-attempts': {
      description:
        'Attempts when the push is rejected because the branch moved; each retry starts from the fresh head after a full-jitter backoff (base 1 s, cap 20 s).',
      type: 'number',
      default: 10,
    },
    ...dryRunInput,
    ...fluxCheckInput,
  },
  outputs: {
    changed: {
      description: '`true` when a file changed and was committed (with `dry-run`: would be).',
      type: 'boolean',
      dotenv: 'GITOPS_CHANGED',
    },
    files: { description: 'Changed files, JSON list.', type: 'json' },
    commit: { description: 'SHA of the commit pushed.', dotenv: 'GITOPS_COMMIT' },
    'pull-request': {
      description: 'URL of the pull/merge request (mode `pull-request`).',
      dotenv: 'GITOPS_PULL_REQUEST',
    },
    'previous-tag': { description: 'The tag that was there before.', dotenv: 'GITOPS_PREVIOUS_TAG' },
  },
} as const satisfies ActionDefinition;
