/**
 * The harness's rendering of `$[[ component.* ]]`, which stands in for GitLab's in gitlab-ci-local
 * runs: a release gives its version, an unreleased ref none (empty in a string, null as a whole
 * value), and a field the header does not declare makes the template invalid.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { renderComponentContext, renderProjectTemplates } from '../../harness/component-context.ts';
import { makeTempDir, removeDir } from '../../harness/process.ts';

const SHA = '0123456789abcdef0123456789abcdef01234567';

const template = (declared: string, body: string) =>
  `spec:\n  component: [${declared}]\n  inputs:\n    base:\n      default: registry.example.com/runner\n---\n${body}`;

const job = (text: string) => parseAllDocuments(text)[1]!.toJS() as Record<string, Record<string, unknown>>;

describe('renderComponentContext', () => {
  const body = [
    'build:',
    '  image: $[[ inputs.base ]]:$[[ component.version ]]',
    '  variables:',
    '    SHA: "sha-$[[ component.sha ]]"',
    '    WHOLE: $[[ component.version ]]',
    '  script:',
    '    - echo "$[[ component.name ]] $[[component.version]]"',
    '',
  ].join('\n');

  it.each([
    [
      'a release (@1.2.3, @1.2, @1, @~latest)',
      '1.2.3',
      {
        image: '$[[ inputs.base ]]:1.2.3',
        variables: { SHA: `sha-${SHA}`, WHOLE: '1.2.3' },
        script: ['echo "build-push-image 1.2.3"'],
      },
    ],
    [
      'an unreleased ref (a SHA or a branch)',
      undefined,
      {
        image: '$[[ inputs.base ]]:',
        variables: { SHA: `sha-${SHA}`, WHOLE: null },
        script: ['echo "build-push-image "'],
      },
    ],
  ])('%s', (_case, version, expected) => {
    const text = renderComponentContext(template('name, version, sha', body), {
      name: 'build-push-image',
      sha: SHA,
      version,
    });
    expect(job(text).build).toEqual(expected);
    // Inputs are left for the include to render.
    expect(text).toContain('$[[ inputs.base ]]');
    expect(text).not.toContain('component.');
  });

  it('leaves the spec: header as written', () => {
    const text = template('version', 'job:\n  image: x:$[[ component.version ]]\n');
    const rendered = renderComponentContext(text, { name: 'c', sha: SHA, version: '2.0.0' });
    expect(rendered.slice(0, rendered.indexOf('---'))).toBe(text.slice(0, text.indexOf('---')));
    expect(rendered).toContain('image: x:2.0.0');
  });

  it.each([
    ['a field the header does not declare', 'version', 'sha', /component\.sha is used but not declared/],
    ['an unknown field', 'version, reference', 'reference', /unknown component context field/],
  ])('rejects %s', (_case, declared, field, message) => {
    const text = template(declared, `job:\n  script:\n    - echo $[[ component.${field} ]]\n`);
    expect(() => renderComponentContext(text, { name: 'c', sha: SHA }, 'templates/c.yml')).toThrow(message);
  });

  it('rejects component context in a file without a spec: header', () => {
    expect(() =>
      renderComponentContext('job:\n  image: x:$[[ component.version ]]\n', { name: 'c', sha: SHA }),
    ).toThrow(/without a spec: header/);
  });

  it('leaves a template without component context unchanged', () => {
    const text = template('version', 'job:\n  script:\n    - echo $[[ inputs.base ]]\n');
    expect(renderComponentContext(text, { name: 'c', sha: SHA })).toBe(text);
  });
});

describe('renderProjectTemplates', () => {
  it('renders templates/<name>.yml and templates/<name>/template.yml with their own names', () => {
    const dir = makeTempDir('ga-component-context');
    try {
      const body = 'job:\n  script:\n    - echo $[[ component.name ]]@$[[ component.version ]]\n';
      mkdirSync(join(dir, 'templates/two'), { recursive: true });
      writeFileSync(join(dir, 'templates/one.yml'), template('name, version', body));
      writeFileSync(join(dir, 'templates/two/template.yml'), template('name, version', body));
      writeFileSync(join(dir, 'templates/notes.md'), '$[[ component.version ]]\n');
      const files = renderProjectTemplates(dir, { sha: SHA, version: '1.0.0' });
      expect(files).toHaveLength(2);
      expect(job(readFileSync(join(dir, 'templates/one.yml'), 'utf8')).job!.script).toEqual([
        'echo one@1.0.0',
      ]);
      expect(job(readFileSync(join(dir, 'templates/two/template.yml'), 'utf8')).job!.script).toEqual([
        'echo two@1.0.0',
      ]);
      expect(readFileSync(join(dir, 'templates/notes.md'), 'utf8')).toBe('$[[ component.version ]]\n');
    } finally {
      removeDir(dir);
    }
  });

  it('renders the generated templates: the runner image of the release, none for an unreleased ref', () => {
    const root = join(import.meta.dirname, '../../..');
    for (const [version, image] of [
      ['1.4.0', '$[[ inputs.runner-image ]]:1.4.0'],
      [undefined, '$[[ inputs.runner-image ]]:'],
    ] as const) {
      const text = readFileSync(join(root, 'gitlab-components/templates/verify-paths-filter.yml'), 'utf8');
      const rendered = job(renderComponentContext(text, { name: 'verify-paths-filter', sha: SHA, version }));
      const built = rendered['$[[ inputs.job-name ]]']!;
      expect(built.image).toBe(image);
      expect((built.script as string[])[0]).toMatch(new RegExp(`^GA_VERSION="${version ?? ''}";`));
    }
  });
});
