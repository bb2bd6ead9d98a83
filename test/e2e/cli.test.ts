/**
 * The command line as a user types it (`bin/golden-actions.js`, the built bundle): plain text on
 * the terminal, typed `--json`, the Markdown summary only with `--summary FILE`, help with the
 * action's own flags, and a dry run that works without a registry.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CLI = resolve('bin/golden-actions.js');
const GIT_ENV = {
  GIT_AUTHOR_NAME: 'Test',
  GIT_AUTHOR_EMAIL: 'test@example.com',
  GIT_COMMITTER_NAME: 'Test',
  GIT_COMMITTER_EMAIL: 'test@example.com',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
};

let scratch: string;
beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'ga-cli-'));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function git(cwd: string, args: string[]): string {
  return execFileSync('git', args, { cwd, env: { ...process.env, ...GIT_ENV }, encoding: 'utf8' }).trim();
}

/** A repository with `files` committed on main, then `change` committed on top. */
function repository(
  name: string,
  files: Record<string, string>,
  change: Record<string, string> = {},
): string {
  const dir = join(scratch, name);
  mkdirSync(dir);
  git(dir, ['init', '-q', '-b', 'main']);
  for (const commit of [files, change]) {
    for (const [path, content] of Object.entries(commit)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), content);
    }
    git(dir, ['add', '-A']);
    git(dir, ['commit', '-q', '--allow-empty', '-m', 'commit']);
  }
  return dir;
}

function cli(cwd: string, args: string[], env: Record<string, string> = {}) {
  // A clean environment: no CI variables of the machine running the tests.
  const base = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...GIT_ENV };
  const result = spawnSync(process.execPath, [CLI, ...args], {
    cwd,
    env: { ...base, ...env },
    encoding: 'utf8',
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise((done) => server.close(done));
  return port;
}

describe.skipIf(!existsSync(join(dirname(CLI), '..', 'dist', 'cli', 'index.js')))(
  'golden-actions CLI',
  () => {
    const FILTERS = "app: 'app/**'\ndocs: 'docs/**'";

    it('--json prints typed values: booleans, numbers, lists', () => {
      const repo = repository('json', { 'README.md': 'x\n' }, { 'app/a.txt': '1\n', 'app/b c.txt': '2\n' });
      const result = cli(repo, [
        'verify-paths-filter',
        '--filters',
        FILTERS,
        '--base',
        'HEAD~1',
        '--list-files',
        'json',
        '--json',
      ]);
      expect(result.code, result.stderr).toBe(0);
      const outputs = JSON.parse(result.stdout);
      expect(outputs).toMatchObject({
        changes: ['app'],
        'loop-risk': false,
        app: true,
        app_count: 2,
        app_files: ['app/a.txt', 'app/b c.txt'],
        docs: false,
        docs_count: 0,
        docs_files: [],
        'app-count': 2,
        'app-files': ['app/a.txt', 'app/b c.txt'],
      });
      // Without --json: name=value lines, the text every other face sees.
      const lines = cli(repo, [
        'verify-paths-filter',
        '--filters',
        FILTERS,
        '--base',
        'HEAD~1',
        '--list-files',
        'shell',
      ]);
      expect(lines.stdout).toContain(`changes=["app"]\n`);
      expect(lines.stdout).toContain(`app_files=app/a.txt 'app/b c.txt'\n`);
    });

    it('the terminal gets plain text; the Markdown summary only with --summary FILE', () => {
      const repo = repository('summary', { 'README.md': 'x\n' }, { 'docs/<b>.md': '1\n' });
      const plain = cli(repo, ['verify-paths-filter', '--filters', FILTERS, '--base', 'HEAD~1']);
      expect(plain.code, plain.stderr).toBe(0);
      expect(plain.stderr).toContain('Filter docs: 1 file');
      expect(plain.stderr + plain.stdout).not.toMatch(/###|<code>|\|---/);

      const file = join(scratch, 'summary.md');
      writeFileSync(file, 'earlier step\n');
      const withSummary = cli(repo, [
        'verify-paths-filter',
        '--filters',
        FILTERS,
        '--base',
        'HEAD~1',
        '--summary',
        file,
      ]);
      expect(withSummary.code, withSummary.stderr).toBe(0);
      expect(withSummary.stderr).not.toMatch(/###|<code>/);
      const markdown = readFileSync(file, 'utf8');
      expect(markdown.startsWith('earlier step\n### Change filters')).toBe(true); // appended
      expect(markdown).toContain('| <code>docs</code> | true | 1 | <code>docs/&lt;b&gt;.md</code> |');
      expect(markdown).toContain('### Commit-loop guard');
    });

    it("--help lists the action's own flags and the command line's options", () => {
      const help = cli(scratch, ['verify-paths-filter', '--help']);
      expect(help.code).toBe(0);
      expect(help.stdout).not.toMatch(/--tags|--dry-run/);
      expect(help.stdout).toContain('--predicate-quantifier <some|every>');
      expect(help.stdout).toContain('--summary <file>');
    });

    it('messages name the flag: --loop-guard=false', () => {
      const repo = repository('loop', {
        '.github/workflows/build.yml': [
          'on:',
          '  push:',
          '    branches: [main]',
          "    paths: ['app/**', 'deploy/**']",
          'jobs:',
          '  build:',
          '    runs-on: ubuntu-latest',
          '    steps:',
          '      - id: image',
          '        uses: org/golden-actions/build-push-image@v1',
          '      - uses: org/golden-actions/bump-gitops-tag@v1',
          '        with:',
          '          token: ${{ secrets.GITOPS_TOKEN }}',
          "          commit-message: 'deploy ${{ steps.image.outputs.tag }}'",
          '          tag: ${{ steps.image.outputs.tag }}',
          '',
        ].join('\n'),
        'deploy/prod/release.yaml': 'spec:\n  values:\n    image:\n      tag: "1"\n',
        'app/Dockerfile': 'FROM scratch\n',
      });
      const result = cli(repo, ['verify-paths-filter']);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('or set --loop-guard=false to only report');
      expect(result.stderr).not.toContain('loop-guard: false');
    });

    it('--default-branch: a new branch compares with it; unknown, the message says how to name it', () => {
      const repo = repository('default', { 'README.md': 'x\n' });
      git(repo, ['checkout', '-q', '-b', 'feature']);
      writeFileSync(join(repo, 'app.txt'), '1\n');
      git(repo, ['add', '-A']);
      git(repo, ['commit', '-q', '-m', 'feature']);
      const unknown = cli(repo, [
        'verify-paths-filter',
        '--filters',
        "app: 'app.txt'",
        '--base',
        '0'.repeat(40),
      ]);
      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toContain(
        'the default branch is unknown; pass --default-branch=<name> or set --base=origin/main',
      );
      const named = cli(repo, [
        'verify-paths-filter',
        '--filters',
        "app: 'app.txt'",
        '--base',
        '0'.repeat(40),
        '--default-branch',
        'main',
        '--json',
      ]);
      expect(named.code, named.stderr).toBe(0);
      expect(named.stderr).toContain('new branch: merge base with main');
      expect(JSON.parse(named.stdout)).toMatchObject({ app: true, changes: ['app'] });
    });

    it('a dry run works offline: says what it could not check, exits 0, writes nothing', async () => {
      const repo = repository('chart', {});
      cpSync(resolve('test/fixtures/charts/hello'), join(repo, 'hello'), { recursive: true });
      git(repo, ['add', '-A']);
      git(repo, ['commit', '-q', '-m', 'chart']);
      const port = await closedPort();
      const named = cli(
        repo,
        [
          'package-push-chart',
          '--chart',
          'hello',
          '--registry',
          `127.0.0.1:${port}`,
          '--registry-username',
          'ci',
          '--dry-run',
          '--json',
        ],
        { GA_INPUT_REGISTRY_PASSWORD: 'offline-s3cret' },
      );
      expect(named.code, named.stderr).toBe(0);
      expect(named.stderr).toContain(
        `warning: dry-run: could not check whether oci://127.0.0.1:${port}/charts/hello:0.3.0 exists: Cannot reach registry`,
      );
      expect(named.stderr).toContain(`Dry run: would push oci://127.0.0.1:${port}/charts/hello:0.3.0`);
      expect(JSON.parse(named.stdout)).toMatchObject({
        ref: `oci://127.0.0.1:${port}/charts/hello:0.3.0`,
        pushed: false,
      });
      expect(named.stdout + named.stderr).not.toContain('offline-s3cret');

      // ECR without credentials (nor network): the login is not checked either, and it says so.
      const ecr = cli(repo, [
        'package-push-chart',
        '--chart',
        'hello',
        '--aws-region',
        'eu-west-1',
        '--dry-run',
      ]);
      expect(ecr.code, ecr.stderr).toBe(0);
      expect(ecr.stderr).toContain(
        'warning: dry-run: could not check the registry login: No AWS credentials found: set --role-to-assume',
      );
      expect(ecr.stderr).toMatch(
        /warning: dry-run: not checked: the registry login; whether oci:\/\/\S+\/charts\/hello:0\.3\.0 exists/,
      );
      expect(ecr.stdout).toContain('pushed=false\n');

      // Without dry-run the same unreachable registry is a failure.
      const real = cli(repo, ['package-push-chart', '--chart', 'hello', '--registry', `127.0.0.1:${port}`]);
      expect(real.code).toBe(1);
      expect(real.stderr).toContain('Cannot reach registry');
    });
  },
);
