import { cpSync } from 'node:fs';
import { exec } from '../../src/core/util/exec.ts';

export interface Workspace {
  dir: string;
  sha: string;
  /** Committer time of `sha`, unix seconds. */
  commitTime: number;
}

/** Copies `source` into `dir` and makes it a git repository with one commit at a fixed time. */
export async function gitWorkspace(source: string, dir: string, time = 1764000000): Promise<Workspace> {
  cpSync(source, dir, { recursive: true });
  const env = {
    ...process.env,
    GIT_AUTHOR_DATE: `@${time} +0000`,
    GIT_COMMITTER_DATE: `@${time} +0000`,
    GIT_AUTHOR_NAME: 'dev',
    GIT_AUTHOR_EMAIL: 'dev@example.com',
    GIT_COMMITTER_NAME: 'dev',
    GIT_COMMITTER_EMAIL: 'dev@example.com',
  };
  await exec('git', ['init', '-q', '-b', 'main'], { cwd: dir });
  await exec('git', ['add', '-A'], { cwd: dir });
  await exec('git', ['commit', '-q', '-m', 'app'], { cwd: dir, env });
  const sha = (await exec('git', ['rev-parse', 'HEAD'], { cwd: dir })).stdout.trim();
  return { dir, sha, commitTime: time };
}
