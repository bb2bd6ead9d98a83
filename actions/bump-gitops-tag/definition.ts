import type { ActionDefinition } from '../../src/definition.ts';
import { dryRunInput } from '../shared/registry-inputs.ts';

export const definition = {
  name: 'bump-gitops-tag',
  title: 'Bump GitOps image tag',
  description:
    'Set a new image tag in GitOps YAML (Flux setters, HelmRelease values, kustomize images) byte-exactly, and push or open a pull request, safely under concurrency.',
  ready: false,
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
      description: 'Globs of the files to edit, one per line.',
      type: 'list',
      default: 'deploy/**/*.yaml',
    },
    image: {
      description:
        'Image repository whose tag to set (e.g. `123456789012.dkr.ecr.eu-west-1.amazonaws.com/my-app`).',
      required: true,
    },
    tag: { description: 'The new tag.', required: true },
    strategy: {
      description:
        'How to find the tag: `setters` (Flux `$imagepolicy` markers), `helmrelease`, `kustomize`, `yaml-path`, or `auto` (in that order).',
      options: ['auto', 'setters', 'helmrelease', 'kustomize', 'yaml-path'],
      default: 'auto',
    },
    'yaml-path': {
      description: 'With `strategy: yaml-path`: dotted path of the tag scalar, e.g. `spec.values.image.tag`.',
      default: '',
    },
    mode: {
      description:
        '`push` commits to the branch; `pull-request` pushes a branch and opens (or updates) a pull/merge request.',
      options: ['push', 'pull-request'],
      default: 'push',
    },
    'commit-message': {
      description: 'Commit message. Default: `chore(deploy): update <image> to <tag>`.',
      default: '',
    },
    'author-name': { description: 'Commit author name.', default: 'golden-actions[bot]' },
    'author-email': {
      description: 'Commit author email.',
      default: 'golden-actions@users.noreply.github.com',
    },
    'only-if-newer': {
      description:
        "Never replace a newer tag: compare the way Flux's ImagePolicy orders tags (numerical timestamp, then semver).",
      type: 'boolean',
      default: true,
    },
    'max-attempts': {
      description: 'Attempts when the push is rejected because the branch moved.',
      type: 'number',
      default: 5,
    },
    ...dryRunInput,
  },
  outputs: {
    changed: { description: '`true` when a file changed and was committed.', dotenv: 'GITOPS_CHANGED' },
    files: { description: 'Changed files, JSON list.' },
    commit: { description: 'SHA of the commit pushed.', dotenv: 'GITOPS_COMMIT' },
    'pull-request': {
      description: 'URL of the pull/merge request (mode `pull-request`).',
      dotenv: 'GITOPS_PULL_REQUEST',
    },
    'previous-tag': { description: 'The tag that was there before.', dotenv: 'GITOPS_PREVIOUS_TAG' },
  },
} as const satisfies ActionDefinition;
