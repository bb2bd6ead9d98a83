/**
 * Bundles one ESM file per action (the GitHub face, from actions/<name>/github.ts) plus the CLI
 * (the GitLab face and the terminal) with esbuild. Shared code and the lazily loaded AWS SDK land
 * in dist/chunks/, so each action loads only what its path needs.
 */
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { actions } from '../actions/index.ts';
import { knownEnv } from '../src/core/env-vars.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { version: string };

// Build beside dist/ and swap at the end, so a failed build leaves the last good bundles in place.
const staging = join(root, `.dist-staging-${process.pid}`);
await rm(staging, { recursive: true, force: true });
const result = await build({
  absWorkingDir: root,
  entryPoints: [
    ...actions.map(({ definition }) => ({
      in: `actions/${definition.name}/github.ts`,
      out: `${definition.name}/index`,
    })),
    { in: 'src/cli/main.ts', out: 'cli/index' },
  ],
  outdir: staging,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  // ESM builds first: they keep named exports across lazy import() chunks (the AWS SDK's CommonJS
  // build would arrive as a bare default export) and tree-shake better.
  mainFields: ['module', 'main'],
  target: 'node20',
  minify: knownEnv().GA_NO_MINIFY !== '1',
  legalComments: 'linked',
  chunkNames: 'chunks/[name]-[hash]',
  define: { GOLDEN_ACTIONS_VERSION: JSON.stringify(pkg.version) },
  // Some CommonJS dependencies call require() for Node built-ins; give ESM output a real one.
  banner: { js: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);" },
  metafile: true,
  logLevel: 'warning',
});
// The bundles are ESM whatever package.json around them says.
await writeFile(join(staging, 'package.json'), '{ "type": "module" }\n');
await rm(join(root, 'dist'), { recursive: true, force: true });
await rename(staging, join(root, 'dist'));

const sizes = Object.entries(result.metafile.outputs)
  .filter(([file]) => file.endsWith('.js'))
  .map(
    ([file, meta]) =>
      `${(meta.bytes / 1024).toFixed(0).padStart(6)} kB  ${file.replace(/\.dist-staging-\d+/, 'dist')}`,
  );
console.log(sizes.join('\n'));
