/**
 * Drift and shape of the GitLab components: every generated `templates/<name>.yml` must offer
 * exactly the action's inputs (names, descriptions, defaults, options, types) plus the GitLab job
 * inputs, pass each input to the CLI the way GitLab can carry it, and be what the generator writes
 * today. CI runs this, so a definition change without `npm run generate` fails.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { actions } from '../../../actions/index.ts';
import {
  DEFAULT_RUNNER_IMAGE,
  GITLAB_ID_TOKEN_VARIABLE,
  GITLAB_JOB_INPUTS,
  GITLAB_STAGE_DEFAULTS,
  gitlabComponentYaml,
  gitlabInputsTable,
  gitlabInputTransport,
  outputsTable,
} from '../../../scripts/faces.ts';
import type { ActionDefinition } from '../../../src/definition.ts';
import { inputVariable } from '../../../src/platform/cli.ts';

const root = join(import.meta.dirname, '../../..');
const componentsDir = join(root, 'gitlab-components');
const definitions = actions.map((a) => a.definition);

interface Template {
  text: string;
  header: { spec: { component?: string[] } };
  inputs: Record<string, Record<string, unknown>>;
  jobName: string;
  job: Record<string, unknown>;
}

function readTemplate(name: string): Template {
  const text = readFileSync(join(componentsDir, 'templates', `${name}.yml`), 'utf8');
  const docs = parseAllDocuments(text);
  expect(docs).toHaveLength(2);
  for (const doc of docs) expect(doc.errors).toEqual([]);
  const header = docs[0]!.toJS() as {
    spec: { component?: string[]; inputs: Record<string, Record<string, unknown>> };
  };
  const jobs = docs[1]!.toJS() as Record<string, Record<string, unknown>>;
  const [jobName, ...others] = Object.keys(jobs);
  expect(others).toEqual([]);
  expect(Object.keys(header)).toEqual(['spec']);
  return { text, header, inputs: header.spec.inputs, jobName: jobName!, job: jobs[jobName!]! };
}

const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim();
const gitlabType = (type?: string) => (type === 'boolean' || type === 'number' ? type : 'string');

describe('GitLab component templates', () => {
  it('exist for every action and nothing else', () => {
    const files = readdirSync(join(componentsDir, 'templates')).sort();
    expect(files).toEqual(definitions.map((d) => `${d.name}.yml`).sort());
    // GitLab's limit of components per project.
    expect(files.length).toBeLessThanOrEqual(30);
  });

  describe.each(definitions.map((d) => [d.name, d] as const))('%s', (name, definition) => {
    const template = readTemplate(name);
    const actionInputs = Object.entries(definition.inputs).filter(([, spec]) => !spec.githubOnly);

    it('spec:inputs = the action inputs, then stage, job-name, runner-image, rules', () => {
      expect(Object.keys(template.inputs)).toEqual([
        ...actionInputs.map(([input]) => input),
        'stage',
        'job-name',
        'runner-image',
        'rules',
      ]);
    });

    it.each(actionInputs)('input %s matches the definition', (input, spec) => {
      const entry = template.inputs[input]!;
      expect(entry.description).toBe(oneLine(spec.description));
      expect(entry.type ?? 'string').toBe(gitlabType(spec.type));
      expect(entry.options).toEqual(spec.options ? [...spec.options] : undefined);
      if (spec.required) {
        // No default: GitLab makes the input mandatory.
        expect(entry).not.toHaveProperty('default');
      } else {
        const expected = spec.gitlabDefault ?? spec.default;
        expect(entry.default).toEqual(expected ?? '');
        if (entry.type === 'boolean') expect(typeof entry.default).toBe('boolean');
        if (entry.type === 'number') expect(typeof entry.default).toBe('number');
        if (spec.options) expect(spec.options).toContain(entry.default);
      }
      expect(Object.keys(entry).sort()).toEqual(
        ['description', 'type', 'options', 'default'].filter((k) => k in entry).sort(),
      );
    });

    it('adds the GitLab job inputs with their defaults', () => {
      expect(template.inputs.stage).toMatchObject({ default: GITLAB_STAGE_DEFAULTS[name] });
      expect(template.inputs['job-name']).toMatchObject({ default: name });
      expect(template.inputs.rules).toMatchObject({ type: 'array', default: [{ when: 'on_success' }] });
      // The repository only: the tag is the version the component is included at.
      expect(template.inputs['runner-image']?.default).toBe(DEFAULT_RUNNER_IMAGE);
      for (const input of GITLAB_JOB_INPUTS) expect(definition.inputs).not.toHaveProperty(input);
    });

    it('passes strings as GA_INPUT_* variables and booleans/numbers as flags', () => {
      const variables = template.job.variables as Record<string, unknown>;
      const script = (template.job.script as string[]).join('\n');
      for (const [input, spec] of actionInputs) {
        const reference = `$[[ inputs.${input} ]]`;
        if (gitlabInputTransport(spec) === 'variable') {
          expect(variables[inputVariable(input)]).toBe(reference);
          expect(script).not.toContain(reference);
        } else {
          // GitLab rejects booleans in `variables:` and keeps the input's type on whole-value interpolation.
          expect(Object.values(variables)).not.toContain(reference);
          expect(script).toContain(`--${input}=${reference}`);
        }
      }
      // Every variable value is a string (job variables accept strings and integers only).
      for (const value of Object.values(variables)) expect(typeof value).toBe('string');
      expect(variables.GA_DOTENV).toBe(`${name}.env`);
      // No version baked in: it comes from the include (`$[[ component.version ]]`).
      expect(variables).not.toHaveProperty('GA_VERSION');
      // Nothing but validated booleans/numbers is interpolated into the shell line.
      const interpolated = [...script.matchAll(/\$\[\[\s*inputs\.([\w-]+)\s*\]\]/g)].map((m) => m[1]!);
      for (const input of interpolated) expect(gitlabType(definition.inputs[input]?.type)).not.toBe('string');
    });

    it('references only declared inputs, and uses each of them', () => {
      const body = template.text.slice(template.text.indexOf('\n---\n'));
      const used = new Set([...body.matchAll(/\$\[\[\s*inputs\.([\w-]+)\s*\]\]/g)].map((m) => m[1]!));
      expect([...used].sort()).toEqual(Object.keys(template.inputs).sort());
    });

    it('is a job driven by the inputs, with a dotenv report and (for AWS) an id token', () => {
      expect(template.jobName).toBe('$[[ inputs.job-name ]]');
      expect(template.job.stage).toBe('$[[ inputs.stage ]]');
      // The runner image of the release the component is included at (GitLab 18.6 component context).
      expect(template.header.spec.component).toEqual(['version', 'sha']);
      expect(template.job.image).toBe('$[[ inputs.runner-image ]]:$[[ component.version ]]');
      expect(template.job.rules).toBe('$[[ inputs.rules ]]');
      expect(template.job.artifacts).toEqual({ reports: { dotenv: `${name}.env` }, when: 'always' });
      if ('audience' in definition.inputs) {
        expect(template.job.id_tokens).toEqual({
          [GITLAB_ID_TOKEN_VARIABLE]: { aud: '$[[ inputs.audience ]]' },
        });
        expect(template.inputs.audience?.default).toBe('https://$CI_SERVER_FQDN');
      } else {
        expect(template.job).not.toHaveProperty('id_tokens');
      }
      const script = template.job.script as string[];
      expect(script.at(-1)).toMatch(new RegExp(`^golden-actions ${name}( |$)`));
      // The CLI comes with the image, of exactly the component's version; nothing from npm at run time.
      expect(script[0]).toMatch(/^GA_VERSION="\$\[\[ component\.version \]\]";/);
      expect(script[0]).toContain('[ "$(golden-actions --version)" != "$GA_VERSION" ]');
      expect(template.text).not.toMatch(/\bnpx\b/);
      // Global keywords would leak into the consumer's pipeline.
      expect(template.text).not.toMatch(/^(default|stages|variables|workflow|include):/m);
    });

    it('is what the generator writes now (run `npm run generate`)', () => {
      expect(template.text).toBe(gitlabComponentYaml(definition, { runnerImage: DEFAULT_RUNNER_IMAGE }));
    });
  });

  it('dotenv variable names are valid and unique across components (later jobs get them all)', () => {
    const seen = new Map<string, string>();
    for (const definition of definitions) {
      for (const [output, spec] of Object.entries(definition.outputs)) {
        if (!spec.dotenv) continue;
        expect(spec.dotenv).toMatch(/^[A-Za-z_][A-Za-z0-9_]*$/);
        expect(seen.get(spec.dotenv), `${definition.name}.${output}`).toBeUndefined();
        seen.set(spec.dotenv, `${definition.name}.${output}`);
        expect(spec.dotenv).not.toMatch(/^(GA_|CI_|GITLAB_)/);
      }
    }
    // GitLab self-managed default: at most 20 variables per dotenv report.
    for (const definition of definitions) {
      expect(Object.values(definition.outputs).filter((o) => o.dotenv).length).toBeLessThanOrEqual(20);
    }
  });

  it('refuses an action input that clashes with a GitLab job input', () => {
    const clash: ActionDefinition = {
      ...definitions[0]!,
      inputs: { ...definitions[0]!.inputs, 'runner-image': { description: 'x', default: '' } },
    };
    expect(() => gitlabComponentYaml(clash, { runnerImage: 'r' })).toThrow(/runner-image/);
  });
});

describe('gitlab-components/README.md', () => {
  const readme = readFileSync(join(componentsDir, 'README.md'), 'utf8');
  const block = (key: string) =>
    readme.match(new RegExp(`<!-- generated:${key} -->\\n([\\s\\S]*?)\\n<!-- /generated:${key} -->`))?.[1];

  it.each(definitions.map((d) => [d.name, d] as const))(
    'documents %s with up-to-date tables',
    (name, definition) => {
      expect(readme).toContain(`\n### ${name}\n`);
      expect(block(`${name}-inputs`)).toBe(gitlabInputsTable(definition));
      expect(block(`${name}-outputs`)).toBe(outputsTable(definition, 'gitlab'));
    },
  );

  it('has the Components section the CI/CD Catalog shows', () => {
    expect(readme).toMatch(/^## Components$/m);
  });
});

describe('gitlab-components/.gitlab-ci.yml', () => {
  const ci = parseAllDocuments(
    readFileSync(join(componentsDir, '.gitlab-ci.yml'), 'utf8'),
  )[0]!.toJS() as Record<string, unknown>;

  const includes = ci.include as { component: string; inputs: Record<string, unknown> }[];

  it('tests every component at the pipeline commit', () => {
    expect([...new Set(includes.map((i) => i.component))].sort()).toEqual(
      definitions.map((d) => `$CI_SERVER_FQDN/$CI_PROJECT_PATH/${d.name}@$CI_COMMIT_SHA`).sort(),
    );
    // At a SHA there is no component version: every component job runs the image of this commit.
    for (const { definition } of actions) {
      expect((ci[definition.name] as { image?: string }).image).toBe('$RUNNER_IMAGE:$CI_COMMIT_SHA');
    }
  });

  it('builds the runner image with build-push-image: the commit SHA, then the version on a release tag', () => {
    const runner = includes.filter((i) => i.inputs['job-name']?.toString().startsWith('runner-image'));
    expect(runner.map((i) => [i.inputs['job-name'], i.inputs.tags])).toEqual([
      ['runner-image', 'type=sha,format=long,prefix='],
      [
        'runner-image-release',
        'type=sha,format=long,prefix=,priority=1000\ntype=semver,pattern={{version}}\n',
      ],
    ]);
    for (const include of runner) {
      expect(include.component).toContain('/build-push-image@');
      expect(include.inputs).toMatchObject({
        builder: 'buildah',
        dockerfile: 'runner/Dockerfile',
        context: '.',
      });
    }
  });

  it('releases semantic-version tags with the release: keyword', () => {
    const jobs = Object.entries(ci).filter(
      ([, job]) => job && typeof job === 'object' && 'release' in (job as object),
    ) as [string, { release: { tag_name: string }; rules: { if: string }[] }][];
    expect(jobs).toHaveLength(1);
    const [, job] = jobs[0]!;
    expect(job.release.tag_name).toBe('$CI_COMMIT_TAG');
    const rule = job.rules[0]!.if;
    const pattern = new RegExp(rule.slice(rule.indexOf('/') + 1, rule.lastIndexOf('/')));
    for (const tag of ['1.0.0', '1.2.3-rc.1', '10.20.30']) expect(pattern.test(tag)).toBe(true);
    for (const tag of ['v1.0.0', '1.0', '01.0.0', 'main']) expect(pattern.test(tag)).toBe(false);
  });
});
