import { type LazyAction, runAction } from '../runner.ts';
import { GitHubPlatform } from './github.ts';

/** Entry of every GitHub Action bundle. */
export async function runOnGitHub(action: LazyAction): Promise<void> {
  process.exitCode = await runAction(action, new GitHubPlatform());
}
