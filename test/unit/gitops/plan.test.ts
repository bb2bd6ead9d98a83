import { describe, expect, it } from 'vitest';
import { InputError, UserError } from '../../../src/core/errors.ts';
import { type PlanOptions, planBump } from '../../../src/core/gitops/plan.ts';

const IMAGE = 'reg.io/team/app';
const y = (...lines: string[]) => `${lines.join('\n')}\n`;

interface Case {
  name: string;
  files: Record<string, string>;
  context?: Record<string, string>;
  options?: Partial<PlanOptions>;
  /** Expected new contents of the files that change. */
  outputs?: Record<string, string>;
  strategy?: string;
  previousTag?: string;
  actions?: string[];
  notes?: RegExp;
  error?: RegExp;
  errorType?: new (...args: never[]) => Error;
}

const helmRelease = (values: string[], name = 'app') =>
  y(
    'apiVersion: helm.toolkit.fluxcd.io/v2',
    'kind: HelmRelease',
    'metadata:',
    `  name: ${name}`,
    'spec:',
    '  values:',
    ...values,
  );

const kustomization = (...images: string[]) =>
  y(
    '# dev',
    'apiVersion: kustomize.config.k8s.io/v1beta1',
    'kind: Kustomization',
    'resources:',
    '  - ../base',
    ...images,
  );

const cases: Case[] = [
  // ---- setters
  {
    name: 'setters: full-image marker gets <image>:<tag>',
    files: {
      'deploy/d.yaml': y(
        'spec:',
        '  containers:',
        '    - name: app',
        `      image: ${IMAGE}:1.0.0 # {"$imagepolicy": "flux-system:app"}`,
      ),
    },
    options: { tag: '1.1.0' },
    outputs: {
      'deploy/d.yaml': y(
        'spec:',
        '  containers:',
        '    - name: app',
        `      image: ${IMAGE}:1.1.0 # {"$imagepolicy": "flux-system:app"}`,
      ),
    },
    strategy: 'setters',
    previousTag: '1.0.0',
  },
  {
    name: 'setters: full-image marker keeps the short spelling of the name',
    files: { 'd.yaml': y('image: nginx:1.0.0 # {"$imagepolicy": "ns:web"}') },
    options: { image: 'docker.io/library/nginx', tag: '1.1.0' },
    outputs: { 'd.yaml': y('image: nginx:1.1.0 # {"$imagepolicy": "ns:web"}') },
  },
  {
    name: 'setters: tag marker with the repository next to it (seed helmrelease-patch shape)',
    files: {
      'deploy/production/helmrelease-patch.yaml': helmRelease([
        '    replicaCount: 2 # two',
        '    image:',
        `      repository: ${IMAGE} # {"$imagepolicy": "flux-system:app:name"}`,
        '      tag: 1735689600-3f2c1ab # {"$imagepolicy": "flux-system:app:tag"}',
      ]),
    },
    options: { tag: '1735689700-abcdef1' },
    outputs: {
      'deploy/production/helmrelease-patch.yaml': helmRelease([
        '    replicaCount: 2 # two',
        '    image:',
        `      repository: ${IMAGE} # {"$imagepolicy": "flux-system:app:name"}`,
        '      tag: 1735689700-abcdef1 # {"$imagepolicy": "flux-system:app:tag"}',
      ]),
    },
    strategy: 'setters',
  },
  {
    name: 'setters: a :name marker in another file resolves a bare tag marker',
    files: {
      'a.yaml': y('images:', `  - name: ${IMAGE} # {"$imagepolicy": "ns:policy-x:name"}`),
      'b.yaml': y('values:', '  tag: v1.0.0 # {"$imagepolicy": "ns:policy-x:tag"}'),
    },
    options: { tag: 'v1.0.1' },
    outputs: { 'b.yaml': y('values:', '  tag: v1.0.1 # {"$imagepolicy": "ns:policy-x:tag"}') },
  },
  {
    name: 'setters: ImagePolicy + ImageRepository manifests resolve a bare tag marker',
    files: { 'deploy/p.yaml': y('tag: 1700000000-abcdef1 # {"$imagepolicy": "flux-system:other-name:tag"}') },
    context: {
      'deploy/common/policy.yaml': y(
        'apiVersion: image.toolkit.fluxcd.io/v1',
        'kind: ImagePolicy',
        'metadata: {name: other-name, namespace: flux-system}',
        'spec:',
        '  imageRepositoryRef: {name: repo}',
        '  policy: {numerical: {order: asc}}',
        '  filterTags: {pattern: "^(?P<ts>[0-9]+)-", extract: "$ts"}',
        '---',
        'apiVersion: image.toolkit.fluxcd.io/v1',
        'kind: ImageRepository',
        'metadata: {name: repo, namespace: flux-system}',
        `spec: {image: ${IMAGE}}`,
      ),
    },
    options: { tag: '1700000001-abcdef1' },
    outputs: {
      'deploy/p.yaml': y('tag: 1700000001-abcdef1 # {"$imagepolicy": "flux-system:other-name:tag"}'),
    },
  },
  {
    name: 'setters: a tag marker in an overlay is resolved through its HelmRelease base',
    files: {
      'deploy/production/patch.yaml': helmRelease([
        '    image:',
        '      tag: v1.0.0 # {"$imagepolicy": "flux-system:web-policy:tag"}',
      ]),
    },
    context: {
      'deploy/base/hr.yaml': helmRelease(['    image:', `      repository: ${IMAGE}`, '      tag: v0.0.1']),
    },
    options: { tag: 'v1.1.0' },
    outputs: {
      'deploy/production/patch.yaml': helmRelease([
        '    image:',
        '      tag: v1.1.0 # {"$imagepolicy": "flux-system:web-policy:tag"}',
      ]),
    },
    strategy: 'setters',
  },
  {
    name: 'setters: a bare tag marker matches by policy name when nothing else tells',
    files: { 'p.yaml': y('image:', '  tag: v1.0.0 # {"$imagepolicy": "flux-system:app:tag"}') },
    options: { tag: 'v1.1.0' },
    outputs: { 'p.yaml': y('image:', '  tag: v1.1.0 # {"$imagepolicy": "flux-system:app:tag"}') },
    notes: /matched by its name/,
  },
  {
    name: 'setters: a bare tag marker of another policy name is not ours',
    files: { 'p.yaml': y('image:', '  tag: v1.0.0 # {"$imagepolicy": "flux-system:other:tag"}') },
    options: { tag: 'v1.1.0' },
    error: /No tag for image 'reg\.io\/team\/app' found .*p\.yaml.*name no image/,
  },
  {
    name: 'setters: two unresolvable policies of that name are refused',
    files: {
      'p.yaml': y(
        'a:',
        '  tag: v1 # {"$imagepolicy": "ns-a:app:tag"}',
        'b:',
        '  tag: v1 # {"$imagepolicy": "ns-b:app:tag"}',
      ),
    },
    options: { tag: 'v2.0.0' },
    error: /several policies \(ns-a:app, ns-b:app\)/,
  },
  {
    name: 'setters: a digest marker of our policy is refused',
    files: {
      'k.yaml': y(
        'images:',
        `  - name: ${IMAGE}`,
        '    newTag: v1.0.0 # {"$imagepolicy": "ns:app:tag"}',
        '    digest: sha256:abc # {"$imagepolicy": "ns:app:digest"}',
      ),
    },
    options: { tag: 'v1.0.1' },
    error: /k\.yaml:4: a digest marker/,
  },
  {
    name: 'setters: markers of another image leave it to helmrelease (auto)',
    files: {
      'hr.yaml': helmRelease([
        '    sidecar:',
        '      repository: reg.io/other # {"$imagepolicy": "ns:other:name"}',
        '      tag: v1 # {"$imagepolicy": "ns:other:tag"}',
        '    image:',
        `      repository: ${IMAGE}`,
        '      tag: v1.0.0',
      ]),
    },
    options: { tag: 'v1.0.1' },
    strategy: 'helmrelease',
    outputs: {
      'hr.yaml': helmRelease([
        '    sidecar:',
        '      repository: reg.io/other # {"$imagepolicy": "ns:other:name"}',
        '      tag: v1 # {"$imagepolicy": "ns:other:tag"}',
        '    image:',
        `      repository: ${IMAGE}`,
        '      tag: v1.0.1',
      ]),
    },
  },
  // ---- helmrelease
  {
    name: 'helmrelease: registry + repository, quoted tag keeps its quotes',
    files: {
      'hr.yaml': helmRelease([
        '    image:',
        '      registry: reg.io',
        '      repository: team/app',
        "      tag: '1.0.0'",
      ]),
    },
    options: { tag: '1.0.1' },
    outputs: {
      'hr.yaml': helmRelease([
        '    image:',
        '      registry: reg.io',
        '      repository: team/app',
        "      tag: '1.0.1'",
      ]),
    },
  },
  {
    name: 'helmrelease: any values mapping (flux-example redis shape), other releases in the file untouched',
    files: {
      'hr.yaml': `${helmRelease(['    redis:', '      enabled: true', `      repository: ${IMAGE}`, '      tag: 8.6.2'])}---\n${helmRelease(['    image: {repository: reg.io/else, tag: 8.6.2}'], 'other')}`,
    },
    options: { tag: '8.6.3' },
    outputs: {
      'hr.yaml': `${helmRelease(['    redis:', '      enabled: true', `      repository: ${IMAGE}`, '      tag: 8.6.3'])}---\n${helmRelease(['    image: {repository: reg.io/else, tag: 8.6.2}'], 'other')}`,
    },
  },
  {
    name: 'helmrelease: an overlay with only the tag follows its base',
    files: {
      'deploy/base/hr.yaml': helmRelease(['    image:', `      repository: ${IMAGE}`, '      tag: 1.0.0']),
      'deploy/production/patch.yaml': helmRelease(['    image:', '      tag: 1.0.0 # production']),
    },
    options: { tag: '1.0.1' },
    outputs: {
      'deploy/base/hr.yaml': helmRelease(['    image:', `      repository: ${IMAGE}`, '      tag: 1.0.1']),
      'deploy/production/patch.yaml': helmRelease(['    image:', '      tag: 1.0.1 # production']),
    },
  },
  {
    name: 'helmrelease: a whole image reference in values',
    files: { 'hr.yaml': helmRelease([`    image: "${IMAGE}:1.0.0"`]) },
    options: { tag: '1.0.1' },
    outputs: { 'hr.yaml': helmRelease([`    image: "${IMAGE}:1.0.1"`]) },
  },
  // ---- kustomize
  {
    name: 'kustomize: images[].newTag by name (separate GitOps repo shape), other entries untouched',
    files: {
      'apps/dev/kustomization.yaml': kustomization(
        'images:',
        '  - name: reg.io/x',
        '    newTag: "1"',
        `  - name: ${IMAGE}`,
        '    newTag: 1735689600-3f2c1ab',
      ),
    },
    options: { tag: '1735689700-abcdef1' },
    strategy: 'kustomize',
    outputs: {
      'apps/dev/kustomization.yaml': kustomization(
        'images:',
        '  - name: reg.io/x',
        '    newTag: "1"',
        `  - name: ${IMAGE}`,
        '    newTag: 1735689700-abcdef1',
      ),
    },
  },
  {
    name: 'kustomize: matched by newName',
    files: {
      'kustomization.yaml': kustomization(
        'images:',
        '- name: app',
        `  newName: ${IMAGE}`,
        '  newTag: v1.0.0',
      ),
    },
    options: { tag: 'v1.1.0' },
    outputs: {
      'kustomization.yaml': kustomization(
        'images:',
        '- name: app',
        `  newName: ${IMAGE}`,
        '  newTag: v1.1.0',
      ),
    },
  },
  {
    name: 'kustomize: a newName elsewhere means the entry is not this image',
    files: {
      'kustomization.yaml': kustomization(
        'images:',
        `- name: ${IMAGE}`,
        '  newName: reg.io/mirror/app',
        '  newTag: v1.0.0',
      ),
    },
    options: { tag: 'v1.1.0' },
    error: /No tag for image/,
  },
  {
    name: 'kustomize: entry without newTag gets one',
    files: { 'kustomization.yaml': kustomization('images:', `  - name: ${IMAGE} # ours`, 'patches: []') },
    options: { tag: 'v1.1.0' },
    outputs: {
      'kustomization.yaml': kustomization(
        'images:',
        `  - name: ${IMAGE} # ours`,
        '    newTag: v1.1.0',
        'patches: []',
      ),
    },
    actions: ['insert'],
  },
  {
    name: 'kustomize (explicit): missing entry appended with the list indentation',
    files: {
      'apps/dev/kustomization.yaml': kustomization(
        'images:',
        '  - name: reg.io/x',
        '    newTag: "1"',
        '# trailing comment',
      ),
    },
    options: { tag: '1700000000-abcdef1', strategy: 'kustomize' },
    outputs: {
      'apps/dev/kustomization.yaml': kustomization(
        'images:',
        '  - name: reg.io/x',
        '    newTag: "1"',
        `  - name: ${IMAGE}`,
        '    newTag: 1700000000-abcdef1',
        '# trailing comment',
      ),
    },
  },
  {
    name: 'kustomize (explicit): images list created, CRLF kept',
    files: { Kustomization: 'resources:\r\n- a.yaml\r\n' },
    options: { tag: '1.10', strategy: 'kustomize', onlyIfNewer: false },
    outputs: {
      Kustomization: `resources:\r\n- a.yaml\r\nimages:\r\n- name: ${IMAGE}\r\n  newTag: "1.10"\r\n`,
    },
  },
  {
    name: 'kustomize (explicit): never appends to several kustomizations at once',
    files: { 'a/kustomization.yaml': kustomization(), 'b/kustomization.yaml': kustomization() },
    options: { tag: 'v1.0.0', strategy: 'kustomize' },
    error: /not appending to several/,
  },
  {
    name: 'kustomize (auto): a missing entry is not appended',
    files: { 'kustomization.yaml': kustomization() },
    options: { tag: 'v1.0.0' },
    error: /No tag for image .*strategy auto: setters, helmrelease, kustomize\)/,
  },
  {
    name: 'kustomize: an entry pinned by digest is refused',
    files: { 'kustomization.yaml': kustomization('images:', `- name: ${IMAGE}`, '  digest: sha256:abc') },
    options: { tag: 'v1.0.0' },
    error: /pinned by digest/,
  },
  {
    name: 'kustomize: Flux Kustomization spec.images',
    files: {
      'clusters/apps.yaml': y(
        'apiVersion: kustomize.toolkit.fluxcd.io/v1',
        'kind: Kustomization',
        'spec:',
        '  images:',
        `    - name: ${IMAGE}`,
        '      newTag: v1',
      ),
    },
    options: { tag: 'v2.0.0', onlyIfNewer: false },
    outputs: {
      'clusters/apps.yaml': y(
        'apiVersion: kustomize.toolkit.fluxcd.io/v1',
        'kind: Kustomization',
        'spec:',
        '  images:',
        `    - name: ${IMAGE}`,
        '      newTag: v2.0.0',
      ),
    },
  },
  // ---- yaml-path
  {
    name: 'yaml-path: a tag scalar',
    files: { 'v.yaml': y('app:', '  version: v1.0.0 # keep') },
    options: { tag: 'v1.0.1', strategy: 'yaml-path', yamlPath: 'app.version' },
    outputs: { 'v.yaml': y('app:', '  version: v1.0.1 # keep') },
  },
  {
    name: 'yaml-path: an image reference selected by item key',
    files: {
      'd.yaml': y(
        'containers:',
        '  - name: side',
        '    image: reg.io/side:1',
        '  - name: app',
        `    image: ${IMAGE}:1.0.0`,
      ),
    },
    options: { tag: '1.0.1', strategy: 'yaml-path', yamlPath: 'containers[name=app].image' },
    outputs: {
      'd.yaml': y(
        'containers:',
        '  - name: side',
        '    image: reg.io/side:1',
        '  - name: app',
        `    image: ${IMAGE}:1.0.1`,
      ),
    },
  },
  {
    name: 'yaml-path: a reference to another image is refused',
    files: { 'd.yaml': y('containers:', '  - image: reg.io/side:1') },
    options: { tag: '1.0.1', strategy: 'yaml-path', yamlPath: 'containers[0].image' },
    error: /d\.yaml:2: the value at yaml-path/,
  },
  {
    name: 'yaml-path: tried last by auto',
    files: { 'v.yaml': y('tag: v1.0.0') },
    options: { tag: 'v1.0.1', yamlPath: 'tag' },
    strategy: 'yaml-path',
  },
  {
    name: 'yaml-path strategy without a path',
    files: { 'v.yaml': y('tag: v1.0.0') },
    options: { tag: 'v1.0.1', strategy: 'yaml-path' },
    error: /Input 'yaml-path'/,
    errorType: InputError,
  },
  // ---- auto precedence, errors
  {
    name: 'auto: the first strategy that matches anywhere wins',
    files: {
      'a/marked.yaml': y(`image: ${IMAGE}:1.0.0 # {"$imagepolicy": "ns:app"}`),
      'b/kustomization.yaml': kustomization('images:', `- name: ${IMAGE}`, '  newTag: 1.0.0'),
    },
    options: { tag: '1.0.1' },
    strategy: 'setters',
    outputs: { 'a/marked.yaml': y(`image: ${IMAGE}:1.0.1 # {"$imagepolicy": "ns:app"}`) },
  },
  {
    name: 'no match anywhere lists the files searched',
    files: { 'deploy/a.yaml': y('a: 1'), 'deploy/b.yaml': y('b: 2') },
    options: { tag: '1.0.1' },
    error:
      /No tag for image 'reg\.io\/team\/app' found .* in 2 file\(s\) searched: deploy\/a\.yaml, deploy\/b\.yaml/,
  },
  {
    name: 'malformed YAML names file and line',
    files: { 'deploy/ok.yaml': y('a: 1'), 'deploy/bad.yaml': y('a: 1', 'b: [1,', 'c') },
    options: { tag: '1.0.1' },
    error: /^deploy\/bad\.yaml:3:\d+: invalid YAML/,
  },
  {
    name: 'invalid tag',
    files: { 'v.yaml': y('tag: v1') },
    options: { tag: 'bad/tag' },
    error: /Input 'tag'/,
    errorType: InputError,
  },
  // ---- only-if-newer
  {
    name: 'only-if-newer: an older tag changes nothing',
    files: {
      'kustomization.yaml': kustomization('images:', `- name: ${IMAGE}`, '  newTag: 1700000100-abcdef1'),
    },
    options: { tag: '1700000000-abcdef1' },
    outputs: {},
    previousTag: '1700000100-abcdef1',
    actions: ['keep-newer'],
  },
  {
    name: 'only-if-newer: the same tag changes nothing',
    files: {
      'kustomization.yaml': kustomization('images:', `- name: ${IMAGE}`, '  newTag: 1700000100-abcdef1'),
    },
    options: { tag: '1700000100-abcdef1' },
    outputs: {},
    actions: ['same'],
  },
  {
    name: 'only-if-newer: false writes an older tag',
    files: {
      'kustomization.yaml': kustomization('images:', `- name: ${IMAGE}`, '  newTag: 1700000100-abcdef1'),
    },
    options: { tag: '1700000000-abcdef1', onlyIfNewer: false },
    outputs: {
      'kustomization.yaml': kustomization('images:', `- name: ${IMAGE}`, '  newTag: 1700000000-abcdef1'),
    },
  },
  {
    name: 'only-if-newer: decided per value (one environment behind, one ahead)',
    files: {
      'dev/kustomization.yaml': kustomization('images:', `- name: ${IMAGE}`, '  newTag: 1700000200-abcdef1'),
      'prod/kustomization.yaml': kustomization('images:', `- name: ${IMAGE}`, '  newTag: 1700000000-abcdef1'),
    },
    options: { tag: '1700000100-abcdef1' },
    outputs: {
      'prod/kustomization.yaml': kustomization('images:', `- name: ${IMAGE}`, '  newTag: 1700000100-abcdef1'),
    },
    actions: ['keep-newer', 'update'],
  },
  {
    name: 'only-if-newer: a tag that cannot be ordered needs only-if-newer false',
    files: { 'kustomization.yaml': kustomization('images:', `- name: ${IMAGE}`, '  newTag: v1') },
    options: { tag: 'latest' },
    error: /only-if-newer: false/,
  },
  {
    name: "only-if-newer: the marker's ImagePolicy decides (alphabetical here, not semver)",
    files: { 'p.yaml': y(`image: ${IMAGE}:v1.10.0 # {"$imagepolicy": "flux-system:app"}`) },
    context: {
      'policy.yaml': y(
        'apiVersion: image.toolkit.fluxcd.io/v1beta2',
        'kind: ImagePolicy',
        'metadata: {name: app, namespace: flux-system}',
        'spec: {policy: {alphabetical: {}}}',
      ),
    },
    options: { tag: 'v1.9.0' },
    outputs: { 'p.yaml': y(`image: ${IMAGE}:v1.9.0 # {"$imagepolicy": "flux-system:app"}`) },
  },
  {
    name: 'only-if-newer: a tag the ImagePolicy would filter out is refused',
    files: { 'p.yaml': y(`image: ${IMAGE}:1700000000-abcdef1 # {"$imagepolicy": "flux-system:app"}`) },
    context: {
      'policy.yaml': y(
        'apiVersion: image.toolkit.fluxcd.io/v1',
        'kind: ImagePolicy',
        'metadata: {name: app, namespace: flux-system}',
        "spec: {filterTags: {pattern: '^(?P<ts>[1-9][0-9]*)-[0-9a-f]{7}$', extract: $ts}, policy: {numerical: {}}}",
      ),
    },
    options: { tag: 'v2.0.0' },
    error: /does not match ImagePolicy flux-system:app filterTags/,
  },
];

describe('planBump', () => {
  it.each(cases)('$name', (c) => {
    const files = Object.entries(c.files).map(([path, text]) => ({ path, text }));
    const context = Object.entries(c.context ?? {}).map(([path, text]) => ({ path, text }));
    const options: PlanOptions = {
      image: IMAGE,
      tag: '1.0.0',
      strategy: 'auto',
      onlyIfNewer: true,
      ...c.options,
    };
    if (c.error) {
      let caught: unknown;
      try {
        planBump(files, options, context);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(c.errorType ?? UserError);
      expect((caught as Error).message).toMatch(c.error);
      return;
    }
    const plan = planBump(files, options, context);
    if (c.outputs) expect(Object.fromEntries(plan.outputs)).toEqual(c.outputs);
    if (c.strategy) expect(plan.strategy).toBe(c.strategy);
    if (c.previousTag) expect(plan.previousTag).toBe(c.previousTag);
    if (c.actions) expect(plan.changes.map((ch) => ch.action)).toEqual(c.actions);
    if (c.notes) expect(plan.notes.join('\n')).toMatch(c.notes);
  });
});
