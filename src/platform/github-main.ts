import { type LazyAction, runAction } from '../runner.ts';
import { GitHubPlatform } from './github.ts';
import { quietBundledSdk } from './sdk-env.ts';

/** Entry of every GitHub Action bundle. */
export async function runOnGitHub(action: LazyAction): Promise<void> {
  quietBundledSdk();
  const code = await runAction(action, new GitHubPlatform());
  // The step is done (outputs and summary written, children awaited): exit once stdout and stderr
  // are flushed, instead of letting Node drain V8's background compile tasks and tear down the
  // heap first (about 50 ms after a 100k-file change).
  process.exitCode = code;
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}
