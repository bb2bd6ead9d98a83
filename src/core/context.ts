/** What the CI platform knows about this run, in platform-neutral terms. */
export interface RunContext {
  platform: 'github' | 'gitlab' | 'cli';
  /** The checked-out repository root; relative inputs resolve against it. */
  workspace: string;
  /** A scratch folder that is safe to write to and is not part of the repository. */
  tempDir: string;
  /** The commit this run builds. */
  sha: string;
  /** Full ref: refs/heads/<b>, refs/tags/<t>, refs/pull/<n>/merge, refs/merge-requests/<n>/head. */
  ref: string;
  /** Normalised event: push, pull_request, tag, schedule, manual, other. */
  event: 'push' | 'pull_request' | 'tag' | 'schedule' | 'manual' | 'other';
  /** `owner/name` (GitHub) or `group/project` (GitLab). */
  repository?: string;
  serverUrl?: string;
  apiUrl?: string;
  defaultBranch?: string;
  /** Push events: the previous head of the branch (all zeros for a new branch). */
  before?: string;
  /** Pull/merge requests: the target branch and number. */
  baseRef?: string;
  pullRequest?: number;
  /** Committer time of `sha` in unix seconds, when the platform knows it without git. */
  commitTime?: number;
  /**
   * Pull/merge requests built from a merge commit (`sha`): the request's own head commit, and its
   * committer time when the checkout holds it.
   */
  pullRequestHead?: { sha: string; commitTime?: number };
  /** What the platform says about the repository (GitHub: the event's repository payload). */
  repositoryInfo?: { name?: string; description?: string; url?: string; license?: string };
  /** Token that authenticates to the platform's own API and git remote, if the platform provides one. */
  token?: string;
}

export const ZERO_SHA = '0000000000000000000000000000000000000000';
