import type { RunContext } from '../core/context.ts';
import { commitTime } from '../core/git/info.ts';

/** A run's context as a platform states it; the runner adds `tempDir`. */
export type PlatformContext = Omit<RunContext, 'tempDir'>;

/**
 * Adds git's committer times to a context read from a platform's variables: for the built commit
 * (what the CLI reads too, the same on every re-run; the platform's own figure only when the
 * checkout cannot say) and for a pull request's head.
 */
export async function withCommitTimes(context: PlatformContext): Promise<PlatformContext> {
  const head = context.pullRequestHead;
  const [built, headTime] = await Promise.all([
    commitTime(context.workspace, context.sha),
    head && commitTime(context.workspace, head.sha),
  ]);
  return {
    ...context,
    pullRequestHead: head && { sha: head.sha, commitTime: headTime },
    commitTime: built ?? context.commitTime,
  };
}
