import { type LazyAction, runAction } from '../runner.ts';
import { GitHubPlatform } from './github.ts';
import { quietBundledSdk } from './sdk-env.ts';

/** Entry of every GitHub Action bundle. */
export async function runOnGitHub(action: LazyAction): Promise<void> {
  quietBundledSdk();
  process.exitCode = await runAction(action, new GitHubPlatform());
}
