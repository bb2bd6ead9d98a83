import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ChartError, parseChartYaml } from '../../../src/core/chart/metadata.ts';
import { packageChart } from '../../../src/core/chart/package.ts';
import { sanitize } from '../../../src/core/chart/validate.ts';
import { UserError } from '../../../src/core/errors.ts';

const root = mkdtempSync(join(tmpdir(), 'ga-chart-meta-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let counter = 0;
/** Writes a chart folder `charts/<name>` under a fresh workspace and returns [dir, display]. */
function chart(files: Record<string, string>, name = 'app'): [string, string] {
  const dir = join(root, String(counter++), 'charts', name);
  for (const [file, body] of Object.entries(files)) {
    mkdirSync(join(dir, file, '..'), { recursive: true });
    writeFileSync(join(dir, file), body);
  }
  mkdirSync(dir, { recursive: true });
  return [dir, `charts/${name}`];
}

const chartYaml = (extra = '') => `apiVersion: v2\nname: app\nversion: 1.2.3\n${extra}`;

describe('Chart.yaml validation: each failure names the file and field', () => {
  it.each([
    ['no Chart.yaml', { 'values.yaml': 'a: 1\n' }, /^charts\/app\/Chart\.yaml: not found/],
    [
      'malformed YAML, with line and column',
      { 'Chart.yaml': 'apiVersion: v2\nname: app\nversion: [1.2.3\n' },
      /^charts\/app\/Chart\.yaml:4:1: malformed YAML: /,
    ],
    [
      'duplicate key',
      { 'Chart.yaml': 'apiVersion: v2\nname: app\nname: other\nversion: 1.2.3\n' },
      /^charts\/app\/Chart\.yaml:3:1: malformed YAML: Map keys must be unique/,
    ],
    [
      'leading v',
      { 'Chart.yaml': 'apiVersion: v2\nname: app\nversion: v1.2\n' },
      /^charts\/app\/Chart\.yaml: 'version' 'v1\.2' is not a strict semantic version .*write 1\.2\.0/,
    ],
    [
      'missing version',
      { 'Chart.yaml': 'apiVersion: v2\nname: app\n' },
      /^charts\/app\/Chart\.yaml: 'version' is required/,
    ],
    [
      'version written as a YAML number',
      { 'Chart.yaml': 'apiVersion: v2\nname: app\nversion: 1.10\n' },
      /^charts\/app\/Chart\.yaml:3: 'version' is written as a YAML number .*version: "1\.10"/,
    ],
    [
      'appVersion written as a YAML number',
      { 'Chart.yaml': chartYaml('appVersion: 1.10\n') },
      /^charts\/app\/Chart\.yaml:4: 'appVersion' is written as a YAML number .*appVersion: "1\.10"/,
    ],
    [
      'chart name with a slash',
      { 'Chart.yaml': 'apiVersion: v2\nname: team/app\nversion: 1.2.3\n' },
      /^charts\/app\/Chart\.yaml: 'name' 'team\/app' is invalid: a chart name is one path segment/,
    ],
    [
      'chart name that cannot be an OCI repository',
      { 'Chart.yaml': 'apiVersion: v2\nname: My_App\nversion: 1.2.3\n' },
      /^charts\/app\/Chart\.yaml: 'name' 'My_App' cannot be an OCI repository name/,
    ],
    [
      'missing name',
      { 'Chart.yaml': 'apiVersion: v2\nversion: 1.2.3\n' },
      /^charts\/app\/Chart\.yaml: 'name' is required/,
    ],
    [
      'unknown apiVersion',
      { 'Chart.yaml': 'apiVersion: v3\nname: app\nversion: 1.2.3\n' },
      /^charts\/app\/Chart\.yaml: 'apiVersion' 'v3' is not valid/,
    ],
    [
      'bad type',
      { 'Chart.yaml': chartYaml('type: service\n') },
      /^charts\/app\/Chart\.yaml: 'type' 'service' must be application or library/,
    ],
    [
      'keywords not a list',
      { 'Chart.yaml': chartYaml('keywords: web\n') },
      /^charts\/app\/Chart\.yaml:4: 'keywords' must be a list of strings/,
    ],
    [
      'dependency missing from charts/',
      {
        'Chart.yaml': chartYaml(
          'dependencies:\n- name: redis\n  version: 1.x\n  repository: oci://r/charts\n- name: common\n  version: 2.x\n  repository: oci://r/charts\n',
        ),
        'charts/common/Chart.yaml': 'apiVersion: v2\nname: common\nversion: 2.0.0\n',
      },
      /^charts\/app\/Chart\.yaml: dependencies missing from charts\/app\/charts\/: redis \(vendored: common\)\. Run `helm dependency build`/,
    ],
    [
      'v1 dependency (requirements.yaml) missing from charts/',
      {
        'Chart.yaml': 'apiVersion: v1\nname: app\nversion: 1.2.3\n',
        'requirements.yaml':
          'dependencies:\n- name: mariadb\n  version: 4.x.x\n  repository: https://charts.example\n',
      },
      /^charts\/app\/requirements\.yaml: dependencies missing from charts\/app\/charts\/: mariadb \(vendored: none\)/,
    ],
    [
      'duplicate dependency alias',
      {
        'Chart.yaml': chartYaml(
          'dependencies:\n- name: a\n  alias: x\n  repository: ""\n- name: b\n  alias: x\n  repository: ""\n',
        ),
      },
      /^charts\/app\/Chart\.yaml: more than one dependency with name or alias 'x'/,
    ],
    [
      'malformed values.yaml',
      { 'Chart.yaml': chartYaml(), 'values.yaml': 'a: 1\n b: [\n' },
      /^charts\/app\/values\.yaml:\d+:\d+: malformed YAML/,
    ],
    [
      'invalid values.schema.json',
      { 'Chart.yaml': chartYaml(), 'values.schema.json': '{"type": ' },
      /^charts\/app\/values\.schema\.json: invalid JSON/,
    ],
    [
      '** in .helmignore',
      { 'Chart.yaml': chartYaml(), '.helmignore': '# docs\nfoo/**/bar\n' },
      /^charts\/app\/\.helmignore:2: rule 'foo\/\*\*\/bar': double-star \(\*\*\) syntax is not supported/,
    ],
    [
      'a sub-chart without Chart.yaml',
      { 'Chart.yaml': chartYaml(), 'charts/broken/values.yaml': 'a: 1\n' },
      /^charts\/app\/charts\/broken\/Chart\.yaml: not found/,
    ],
  ])('%s', async (_title, files, message) => {
    const [dir, display] = chart(files);
    const error = await packageChart(dir, display).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toMatch(message);
  });

  it('a valid chart packages, and overrides bypass an unquoted number in the file', async () => {
    const [dir, display] = chart({
      'Chart.yaml': 'apiVersion: v2\nname: app\nversion: 1.0\nappVersion: 2.10\n',
    });
    const pkg = await packageChart(dir, display, { version: '1.0.0', appVersion: '2.10' });
    expect([pkg.name, pkg.version, pkg.metadata.appVersion, pkg.filename]).toEqual([
      'app',
      '1.0.0',
      '2.10',
      'app-1.0.0.tgz',
    ]);
  });
});

describe('parseChartYaml', () => {
  it('keeps what Helm keeps, drops unknown keys, types every field', () => {
    const { metadata } = parseChartYaml(
      [
        'apiVersion: v2',
        'name: app',
        'version: 1.2.3',
        'engine: gotpl',
        'kubeVersion: ">=1.19.0-0"',
        'deprecated: true',
        'annotations:',
        '  artifacthub.io/license: MIT',
        '  count: 3',
        'maintainers:',
        '- name: Dev',
        '  email: dev@example.com',
        'dependencies:',
        '- name: redis',
        '  version: 1.x',
        '  repository: oci://r/charts',
        '  enabled: true',
        '  import-values: [data, {child: a, parent: b}]',
      ].join('\n'),
      'Chart.yaml',
    );
    expect(metadata).toEqual({
      apiVersion: 'v2',
      name: 'app',
      version: '1.2.3',
      kubeVersion: '>=1.19.0-0',
      deprecated: true,
      annotations: { 'artifacthub.io/license': 'MIT', count: '3' },
      maintainers: [{ name: 'Dev', email: 'dev@example.com' }],
      dependencies: [
        {
          name: 'redis',
          version: '1.x',
          repository: 'oci://r/charts',
          enabled: true,
          importValues: ['data', { child: 'a', parent: 'b' }],
        },
      ],
    });
  });

  it('reports the line of a mistyped field', () => {
    expect(() => parseChartYaml('name: app\ndeprecated: maybe\n', 'c/Chart.yaml')).toThrow(ChartError);
    expect(() => parseChartYaml('name: app\ndeprecated: maybe\n', 'c/Chart.yaml')).toThrow(
      "c/Chart.yaml:2: 'deprecated' must be true or false",
    );
  });

  it('sanitises like Helm: whitespace runes become spaces, non-printables go', () => {
    expect(sanitize('a\tb\nc\u00a0d\u2028e\u0007f\u200bg')).toBe('a b c d efg');
  });
});
