/**
 * Writes every generated face from the action definitions. CI runs it and fails on any diff, so a
 * stale action.yml, component template or docs table never lands.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { actions } from '../actions/index.ts';
import {
  DEFAULT_RUNNER_IMAGE,
  envTable,
  githubActionYaml,
  gitlabComponentYaml,
  inputsTable,
  outputsTable,
} from './faces.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

async function write(path: string, content: string): Promise<void> {
  const file = join(root, path);
  await mkdir(dirname(file), { recursive: true });
  const before = await readFile(file, 'utf8').catch(() => undefined);
  if (before !== content) {
    await writeFile(file, content);
    console.log(`wrote ${path}`);
  }
}

/** Replaces the text between `<!-- generated:KEY -->` and `<!-- /generated:KEY -->` markers. */
function fill(text: string, key: string, content: string, path: string): string {
  const pattern = new RegExp(`(<!-- generated:${key} -->\\n)[\\s\\S]*?(<!-- /generated:${key} -->)`, 'g');
  // A lost marker would silently freeze a table: fail instead.
  if (!pattern.test(text))
    throw new Error(`${path}: marker <!-- generated:${key} --> … <!-- /generated:${key} --> is missing`);
  return text.replace(pattern, (_m, start: string, end: string) => `${start}${content}\n${end}`);
}

async function fillFile(path: string, blocks: Record<string, string>): Promise<void> {
  const before = await readFile(join(root, path), 'utf8').catch(() => undefined);
  if (before === undefined) throw new Error(`${path} is missing`);
  let text = before;
  for (const [key, content] of Object.entries(blocks)) text = fill(text, key, content, path);
  await write(path, text);
}

const readmeBlocks: Record<string, string> = {};
const gitlabBlocks: Record<string, string> = {};
for (const { definition } of actions) {
  const { name } = definition;
  await write(`${name}/action.yml`, githubActionYaml(definition));
  await write(
    `gitlab-components/templates/${name}.yml`,
    gitlabComponentYaml(definition, { runnerImage: DEFAULT_RUNNER_IMAGE }),
  );
  readmeBlocks[`${name}-inputs`] = inputsTable(definition, 'github');
  readmeBlocks[`${name}-outputs`] = outputsTable(definition, 'github');
  gitlabBlocks[`${name}-inputs`] = inputsTable(definition, 'gitlab');
  gitlabBlocks[`${name}-outputs`] = outputsTable(definition, 'gitlab');
}
await fillFile('README.md', readmeBlocks);
await fillFile('gitlab-components/README.md', gitlabBlocks);
await fillFile('docs/environment.md', { variables: envTable() });
