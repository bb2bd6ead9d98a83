import { describe, expect, it } from 'vitest';
import { checkLoops } from '../../../src/core/loop-guard/loop-guard.ts';
import { memoryView } from '../../../src/core/loop-guard/repo-view.ts';

const CHECKOUT = 'actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683';

/** The seed's build workflow: build on app/charts, then bump the tag in deploy/. Lines matter. */
function seedWorkflow(options: { paths?: string[]; bumpWith?: string[]; on?: string } = {}): string {
  const paths = options.paths ?? ['app/**', 'charts/**'];
  const bumpWith = options.bumpWith ?? [
    'token: ${{ secrets.GITOPS_TOKEN }}',
    "commit-message: 'chore(deploy): my-app ${{ steps.image.outputs.tag }}'",
  ];
  const on =
    options.on ??
    ['on:', '  push:', '    branches: [main]', '    paths:', ...paths.map((p) => `      - '${p}'`)].join(
      '\n',
    );
  return [
    'name: build',
    on,
    'jobs:',
    '  build:',
    '    runs-on: ubuntu-latest',
    '    steps:',
    `      - uses: ${CHECKOUT}`,
    '      - id: image',
    '        uses: org/golden-actions/build-push-image@v1',
    '        with: { repository: my-app }',
    '      - uses: org/golden-actions/bump-gitops-tag@v1',
    '        with:',
    '          image: 123456789012.dkr.ecr.eu-west-1.amazonaws.com/my-app',
    '          tag: ${{ steps.image.outputs.tag }}',
    ...bumpWith.map((line) => `          ${line}`),
    '',
  ].join('\n');
}

const HELMRELEASE = [
  'apiVersion: helm.toolkit.fluxcd.io/v2',
  'kind: HelmRelease',
  'metadata: { name: my-app, namespace: my-app }',
  'spec:',
  '  values:',
  '    image:',
  '      tag: 1764000000-0123456 # {"$imagepolicy": "flux-system:my-app:tag"}',
  '',
].join('\n');

function fluxAutomation(
  options: { branch?: string; message?: string; path?: string; url?: string } = {},
): string {
  return [
    'apiVersion: source.toolkit.fluxcd.io/v1',
    'kind: GitRepository',
    'metadata: { name: flux-system, namespace: flux-system }',
    'spec:',
    `  url: ${options.url ?? 'ssh://git@github.com/org/my-app'}`,
    '  ref: { branch: main }',
    '---',
    'apiVersion: image.toolkit.fluxcd.io/v1beta2',
    'kind: ImageUpdateAutomation',
    'metadata: { name: my-app, namespace: flux-system }',
    'spec:',
    '  sourceRef: { kind: GitRepository, name: flux-system }',
    '  git:',
    '    commit:',
    '      author: { name: fluxcdbot, email: flux@example.com }',
    ...(options.message ? [`      messageTemplate: '${options.message}'`] : []),
    `    push: { branch: ${options.branch ?? 'main'} }`,
    `  update: { path: ${options.path ?? './deploy'}, strategy: Setters }`,
    '',
  ].join('\n');
}

const NO_FILTER_BUILD = [
  'name: build',
  'on:',
  '  push:',
  'jobs:',
  '  image:',
  '    runs-on: ubuntu-latest',
  '    steps:',
  `      - uses: ${CHECKOUT}`,
  '      - run: docker build -t my-app .',
  '',
].join('\n');

const base = {
  'app/Dockerfile': 'FROM scratch\n',
  'charts/my-app/Chart.yaml': 'name: my-app\n',
  'deploy/prod/release.yaml': HELMRELEASE,
};

type Expect = [kind: 'loop' | 'latent', at: string][];

/** The same HelmRelease without a marker: only the bump step writes it. */
const UNMARKED = {
  'deploy/prod/release.yaml': HELMRELEASE.replace(' # {"$imagepolicy": "flux-system:my-app:tag"}', ''),
};

async function findings(files: Record<string, string>, extraPaths?: string[]): Promise<Expect> {
  const view = memoryView(
    { ...base, ...files },
    { remoteUrl: 'https://github.com/org/my-app.git', defaultBranch: 'main' },
  );
  const result = await checkLoops(view, { extraPaths });
  return result.findings.map((f) => [f.kind, `${f.firing.where.file}:${f.firing.where.line}`]);
}

const WF = '.github/workflows/build.yml';
/** A bump whose commits start runs (a PAT, no skip token): an overlap is a loop, not latent. */
const LOOPING = ['token: ${{ secrets.PAT }}', "commit-message: 'bump'"];

describe('loop guard: GitHub workflows and bump-gitops-tag', () => {
  it.each<[string, Record<string, string>, Expect]>([
    ['seed: tight filter (app/**, charts/**) passes', { [WF]: seedWorkflow() }, []],
    [
      'seed widened to deploy/** is a loop, blamed on the deploy/** line',
      { [WF]: seedWorkflow({ paths: ['app/**', 'charts/**', 'deploy/**'] }) },
      [['loop', `${WF}:8`]],
    ],
    [
      'widened, but the bump message carries [skip ci]: latent only',
      {
        [WF]: seedWorkflow({
          paths: ['app/**', 'deploy/**'],
          bumpWith: ['token: ${{ secrets.GITOPS_TOKEN }}', "commit-message: 'bump [skip ci]'"],
        }),
      },
      [['latent', `${WF}:7`]],
    ],
    [
      'widened, skip-checks trailer',
      {
        [WF]: seedWorkflow({
          paths: ['deploy/**'],
          bumpWith: ['token: ${{ secrets.PAT }}', 'commit-message: "bump\\n\\nskip-checks: true"'],
        }),
      },
      [['latent', `${WF}:6`]],
    ],
    [
      'widened, GitLab-only skip spelling does not count on GitHub',
      {
        [WF]: seedWorkflow({
          paths: ['deploy/**'],
          bumpWith: ['token: ${{ secrets.PAT }}', "commit-message: 'bump [SKIP CI]'"],
        }),
      },
      [['loop', `${WF}:6`]],
    ],
    [
      'widened, bump with the default message (carries [skip ci]): latent',
      { [WF]: seedWorkflow({ paths: ['deploy/**'], bumpWith: ['token: ${{ secrets.GITOPS_TOKEN }}'] }) },
      [['latent', `${WF}:6`]],
    ],
    [
      'widened, bump with github.token: its pushes start no runs, latent',
      { [WF]: seedWorkflow({ paths: ['deploy/**'], bumpWith: ["commit-message: 'bump'"] }) },
      [['latent', `${WF}:6`]],
    ],
    [
      'widened, explicit secrets.GITHUB_TOKEN: latent',
      {
        [WF]: seedWorkflow({
          paths: ['deploy/**'],
          bumpWith: ['token: ${{ secrets.GITHUB_TOKEN }}', "commit-message: 'bump'"],
        }),
      },
      [['latent', `${WF}:6`]],
    ],
    [
      'widened, mode pull-request: the merges start builds',
      { [WF]: seedWorkflow({ paths: ['deploy/**'], bumpWith: ['mode: pull-request'] }) },
      [['loop', `${WF}:6`]],
    ],
    [
      'widened, but the bump writes to another branch than the build listens to',
      {
        [WF]: seedWorkflow({
          paths: ['deploy/**'],
          bumpWith: ['token: ${{ secrets.PAT }}', "commit-message: 'bump'", 'branch: gitops'],
        }),
      },
      [],
    ],
    [
      'widened, bump into another repository writes nothing here',
      {
        [WF]: seedWorkflow({
          paths: ['deploy/**'],
          bumpWith: ['token: ${{ secrets.PAT }}', "commit-message: 'bump'", 'repository: org/fleet'],
        }),
      },
      [],
    ],
    [
      'widened, dry-run bump writes nothing',
      {
        [WF]: seedWorkflow({
          paths: ['deploy/**'],
          bumpWith: ['token: ${{ secrets.PAT }}', "commit-message: 'bump'", 'dry-run: true'],
        }),
      },
      [],
    ],
    [
      'a `!deploy/**` exclusion after **/*.yaml keeps the trigger off deploy/',
      { [WF]: seedWorkflow({ paths: ['**/*.yaml', '!deploy/**'] }) },
      [],
    ],
    [
      'custom files: the bump writes k8s/, a filter on k8s/*.yml fires',
      {
        [WF]: seedWorkflow({
          paths: ['k8s/*.yml'],
          bumpWith: ['files: k8s/*.yml', 'token: ${{ secrets.PAT }}', "commit-message: 'bump'"],
        }),
      },
      [['loop', `${WF}:6`]],
    ],
    [
      'files with an exclude: `!` excludes from the bump\'s files, it does not mean "everything else"',
      {
        [WF]: seedWorkflow({ bumpWith: [...LOOPING, 'files: |', '  deploy/**/*.yaml', '  !deploy/prod/**'] }),
      },
      [],
    ],
    [
      'files with an exclude: a trigger on the excluded folder does not fire',
      {
        [WF]: seedWorkflow({
          paths: ['deploy/prod/**'],
          bumpWith: [...LOOPING, 'files: |', '  !deploy/prod/**', '  deploy/**/*.yaml'],
        }),
      },
      [],
    ],
    [
      'files with an exclude: a trigger on an included folder fires',
      {
        [WF]: seedWorkflow({
          paths: ['deploy/staging/**'],
          bumpWith: [...LOOPING, 'files: |', '  deploy/**/*.yaml', '  !deploy/prod/**'],
        }),
        'deploy/staging/release.yaml': HELMRELEASE,
      },
      [['loop', `${WF}:6`]],
    ],
    [
      'files with a brace glob: one glob, its comma is no separator',
      {
        [WF]: seedWorkflow({
          paths: ['deploy/prod/**'],
          bumpWith: [...LOOPING, "files: 'deploy/{staging,prod}/*.yaml'"],
        }),
      },
      [['loop', `${WF}:6`]],
    ],
    [
      'files match dotfiles as the bump selects them',
      {
        [WF]: seedWorkflow({ paths: ['deploy/.overlay/**'], bumpWith: LOOPING }),
        'deploy/.overlay/release.yaml': HELMRELEASE,
      },
      [['loop', `${WF}:6`]],
    ],
    [
      'paths-ignore that ignores deploy/ passes',
      { [WF]: seedWorkflow({ on: "on:\n  push:\n    paths-ignore: ['deploy/**', 'docs/**']" }) },
      [],
    ],
    [
      'paths-ignore that does not ignore deploy/ is a loop, blamed on paths-ignore',
      { [WF]: seedWorkflow({ on: "on:\n  push:\n    paths-ignore: ['docs/**']" }) },
      [['loop', `${WF}:4`]],
    ],
    [
      '`on: push` (string form) without filter',
      { [WF]: seedWorkflow({ on: 'on: push' }) },
      [['loop', `${WF}:2`]],
    ],
    [
      '`on: [push, pull_request]` (list form) without filter',
      { [WF]: seedWorkflow({ on: 'on: [push, pull_request]' }) },
      [['loop', `${WF}:2`]],
    ],
    [
      'tags-only push trigger: branch pushes never start it',
      { [WF]: seedWorkflow({ on: "on:\n  push:\n    tags: ['v*']" }) },
      [],
    ],
    ['pull_request only: pushes never start it', { [WF]: seedWorkflow({ on: 'on: pull_request' }) }, []],
  ])('%s', async (_title, files, expected) => {
    expect(await findings({ ...UNMARKED, ...files })).toEqual(expected);
  });
});

describe('loop guard: Flux ImageUpdateAutomation', () => {
  it.each<[string, Record<string, string>, Expect]>([
    [
      'no paths filter + Flux pushing to the same branch is a loop, blamed on `push:`',
      { [WF]: NO_FILTER_BUILD, 'clusters/prod/automation.yaml': fluxAutomation() },
      [['loop', `${WF}:3`]],
    ],
    [
      'the same with branches: [main] on the build',
      {
        [WF]: NO_FILTER_BUILD.replace('  push:\n', '  push:\n    branches: [main]\n'),
        'clusters/prod/automation.yaml': fluxAutomation(),
      },
      [['loop', `${WF}:3`]],
    ],
    [
      'Flux pushing to another branch than the build listens to',
      {
        [WF]: NO_FILTER_BUILD.replace('  push:\n', '  push:\n    branches: [main]\n'),
        'clusters/prod/automation.yaml': fluxAutomation({ branch: 'flux-image-updates' }),
      },
      [],
    ],
    [
      'Flux messageTemplate with [skip ci]: latent',
      {
        [WF]: NO_FILTER_BUILD,
        'clusters/prod/automation.yaml': fluxAutomation({ message: 'chore: update images [skip ci]' }),
      },
      [['latent', `${WF}:3`]],
    ],
    [
      'Flux committing to another repository',
      {
        [WF]: NO_FILTER_BUILD,
        'clusters/prod/automation.yaml': fluxAutomation({ url: 'https://github.com/org/fleet' }),
        ...UNMARKED,
      },
      [],
    ],
    [
      'Flux writes only marker files: the tight seed filter passes',
      { [WF]: seedWorkflow(), 'clusters/prod/automation.yaml': fluxAutomation({ path: './' }) },
      [],
    ],
    [
      'Flux update.path ./ with a marker inside charts/: the seed filter fires on it',
      {
        [WF]: seedWorkflow(),
        'clusters/prod/automation.yaml': fluxAutomation({ path: './' }),
        'charts/my-app/values.yaml': 'image:\n  tag: 1 # {"$imagepolicy": "flux-system:my-app:tag"}\n',
      },
      [['loop', `${WF}:7`]],
    ],
    [
      'markers with no visible writer are assumed to be written by a Flux elsewhere',
      { [WF]: NO_FILTER_BUILD },
      [['loop', `${WF}:3`]],
    ],
    [
      'a workflow that does not build is not a build trigger',
      { [WF]: NO_FILTER_BUILD.replace('docker build -t my-app .', 'npm test') },
      [],
    ],
  ])('%s', async (_title, files, expected) => {
    expect(await findings(files)).toEqual(expected);
  });

  it('a reusable build workflow makes its caller a build trigger', async () => {
    const caller = [
      'on: push',
      'jobs:',
      '  build:',
      '    uses: ./.github/workflows/build-image.yml',
      '',
    ].join('\n');
    const called = NO_FILTER_BUILD.replace('  push:\n', '  workflow_call:\n');
    const result = await findings({
      '.github/workflows/ci.yml': caller,
      '.github/workflows/build-image.yml': called,
    });
    expect(result).toEqual([['loop', '.github/workflows/ci.yml:1']]);
  });

  it('gitops-paths adds writers the guard cannot see', async () => {
    const workflow = seedWorkflow({ paths: ['app/**', 'charts/**', 'generated/**'] });
    expect(await findings({ [WF]: workflow })).toEqual([]);
    expect(await findings({ [WF]: workflow }, ['generated/**'])).toEqual([['loop', `${WF}:8`]]);
  });
});

const GL = '.gitlab-ci.yml';

describe('loop guard: GitLab pipelines (rules:changes with GitLab semantics)', () => {
  const buildJob = (rules: string[]) =>
    [
      'build:',
      '  stage: build',
      '  script:',
      '    - docker build -t my-app .',
      ...(rules.length ? ['  rules:', ...rules] : []),
      '',
    ].join('\n');
  const flux = { 'clusters/prod/automation.yaml': fluxAutomation() };
  it.each<[string, Record<string, string>, Expect]>([
    [
      'rules:changes including deploy/**/* with Flux writing deploy/: loop on that glob line',
      { [GL]: buildJob(['    - changes:', '        - app/**/*', '        - deploy/**/*']), ...flux },
      [['loop', `${GL}:8`]],
    ],
    [
      'rules:changes deploy/** is one level in GitLab: deploy/prod/release.yaml does not match',
      { [GL]: buildJob(['    - changes: [app/**/*, deploy/**]']), ...flux },
      [],
    ],
    [
      'tight rules:changes passes',
      { [GL]: buildJob(['    - changes: [app/**/*, charts/**/*]']), ...flux },
      [],
    ],
    [
      'changes: {paths: [...]} form',
      {
        [GL]: buildJob([
          '    - changes:',
          '        paths: [deploy/**/*]',
          '        compare_to: refs/heads/main',
        ]),
        ...flux,
      },
      [['loop', `${GL}:7`]],
    ],
    ['no rules: every push', { [GL]: buildJob([]), ...flux }, [['loop', `${GL}:1`]]],
    [
      'merge-request-only rule: pushes never start it',
      { [GL]: buildJob(['    - if: $CI_PIPELINE_SOURCE == "merge_request_event"']), ...flux },
      [],
    ],
    [
      'when: never first for deploy/',
      {
        [GL]: buildJob(['    - changes: [deploy/**/*]', '      when: never', '    - when: on_success']),
        ...flux,
      },
      [],
    ],
    ['manual job', { [GL]: buildJob(['    - when: manual']), ...flux }, []],
    [
      'an if: on a project variable is assumed true (the guard must not miss a loop)',
      { [GL]: buildJob(['    - if: $BUILD_ENABLED == "yes"']), ...flux },
      [['loop', `${GL}:6`]],
    ],
    [
      'workflow:rules that drop Flux commits by message',
      {
        [GL]: `workflow:\n  rules:\n    - if: $CI_COMMIT_MESSAGE =~ /image update/\n      when: never\n    - when: always\n${buildJob([])}`,
        'clusters/prod/automation.yaml': fluxAutomation({ message: 'chore: image update' }),
      },
      [],
    ],
    [
      'legacy only:changes',
      {
        [GL]: ['build:', '  script: [docker build .]', '  only:', '    changes: [deploy/**/*]', ''].join(
          '\n',
        ),
        ...flux,
      },
      [['loop', `${GL}:4`]],
    ],
    [
      'extends: rules inherited from a hidden job',
      {
        [GL]: [
          '.build:',
          '  rules:',
          '    - changes: [deploy/**/*]',
          'build:',
          '  extends: .build',
          '  script: [buildah bud -t x .]',
          '',
        ].join('\n'),
        ...flux,
      },
      [['loop', `${GL}:3`]],
    ],
    [
      'local include holding the build job',
      {
        [GL]: 'include:\n  - local: ci/build.yml\n',
        'ci/build.yml': buildJob(['    - changes: [deploy/**/*]']),
        ...flux,
      },
      [['loop', 'ci/build.yml:6']],
    ],
  ])('%s', async (_title, files, expected) => {
    expect(await findings(files)).toEqual(expected);
  });

  const components = (buildRules: string, bumpInputs: string[]) =>
    [
      'include:',
      '  - component: $CI_SERVER_FQDN/platform/golden-actions/build-push-image@1',
      '    inputs:',
      '      repository: my-app',
      `      rules: ${buildRules}`,
      '  - component: $CI_SERVER_FQDN/platform/golden-actions/bump-gitops-tag@1',
      '    inputs:',
      '      image: my-app',
      ...bumpInputs.map((line) => `      ${line}`),
      '',
    ].join('\n');
  it.each<[string, string, Expect]>([
    [
      'component build with rules input covering deploy/, bump with a project token: loop',
      components('[{changes: [app/**/*, deploy/**/*]}]', [
        'token: $GITOPS_TOKEN',
        "commit-message: 'bump my-app'",
      ]),
      [['loop', `${GL}:5`]],
    ],
    [
      'same, bump with CI_JOB_TOKEN: latent',
      components('[{changes: [app/**/*, deploy/**/*]}]', [
        'token: $CI_JOB_TOKEN',
        "commit-message: 'bump my-app'",
      ]),
      [['latent', `${GL}:5`]],
    ],
    [
      'same, bump message with [CI SKIP] (any case on GitLab): latent',
      components('[{changes: [app/**/*, deploy/**/*]}]', [
        'token: $GITOPS_TOKEN',
        "commit-message: 'bump my-app [CI SKIP]'",
      ]),
      [['latent', `${GL}:5`]],
    ],
    [
      'tight component rules pass',
      components('[{changes: [app/**/*, charts/**/*]}]', ['token: $GITOPS_TOKEN', "commit-message: 'bump'"]),
      [],
    ],
  ])('%s', async (_title, ci, expected) => {
    // No Flux here: only the bump component writes.
    const files = { [GL]: ci, ...UNMARKED };
    expect(await findings(files)).toEqual(expected);
  });
});
