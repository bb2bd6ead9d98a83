/**
 * Opening or updating the pull/merge request for the bot branch (docs/design/gitops-bump.md#pull-and-merge-requests). GitHub: REST
 * through octokit; an already open PR for the branch (422) is found and updated, never duplicated.
 * GitLab: merge request push options on the branch push; a later push updates the open MR.
 */
import { UserError } from '../errors.ts';
import { GitLabApi } from '../gitlab/api.ts';
import type { Logger } from '../log.ts';
import { GitHubApiError, type GitHubClient } from './github-client.ts';

export interface PullRequestContent {
  head: string;
  base: string;
  title: string;
  body: string;
  labels?: string[];
  /** Users, or `org/team` for a team (GitHub). */
  reviewers?: string[];
  assignees?: string[];
  /** Opened as a draft (a request that exists keeps its state). */
  draft?: boolean;
  /** Merge by itself once checks pass, with this method, where the platform allows it. */
  autoMerge?: 'merge' | 'squash' | 'rebase';
}

export interface PullRequestResult {
  url: string;
  number?: number;
  created: boolean;
}

export interface PullRequestProvider {
  /** Push options that make the push itself open/update the request (GitLab). */
  pushOptions(content: PullRequestContent): string[];
  /** After the bot branch is pushed (or found already up to date): open or update the request. */
  upsert(content: PullRequestContent, pushStderr: string): Promise<PullRequestResult | undefined>;
  /** The URL of the open request for a branch, if the platform can tell without pushing. */
  find?(head: string): Promise<string | undefined>;
}

export interface GitHubOptions {
  client: GitHubClient;
  owner: string;
  repo: string;
  logger: Logger;
}

interface GitHubPull {
  number: number;
  node_id: string;
  html_url: string;
  title?: string;
  body?: string | null;
  draft?: boolean;
  labels?: { name: string }[];
  assignees?: { login: string }[];
  requested_reviewers?: { login: string }[];
  requested_teams?: { slug: string }[];
}

/** GitHub: REST through octokit; an already open PR for the branch (422) is found and updated. */
export class GitHubPullRequests implements PullRequestProvider {
  constructor(private readonly options: GitHubOptions) {}

  pushOptions(): string[] {
    return [];
  }

  async upsert(content: PullRequestContent): Promise<PullRequestResult> {
    const { owner, repo, client } = this.options;
    let pull: GitHubPull | undefined;
    let created = false;
    try {
      pull = await client.rest<GitHubPull>('POST /repos/{owner}/{repo}/pulls', {
        owner,
        repo,
        title: content.title,
        head: content.head,
        base: content.base,
        body: content.body,
        draft: content.draft ?? false,
      });
      created = true;
    } catch (error) {
      if (!(error instanceof GitHubApiError) || error.status !== 422 || !alreadyExists(error.body))
        throw error;
    }
    if (!pull) {
      pull = await this.openPull(content.head);
      if (!pull)
        throw new UserError(
          `GitHub says a pull request for ${content.head} exists, but none is open for ${owner}:${content.head}`,
        );
      if (pull.title !== content.title || (pull.body ?? '') !== content.body) {
        await client.rest('PATCH /repos/{owner}/{repo}/pulls/{pull_number}', {
          owner,
          repo,
          pull_number: pull.number,
          title: content.title,
          body: content.body,
        });
      }
    }
    await this.applyMetadata(pull, content);
    return { url: pull.html_url, number: pull.number, created };
  }

  async find(head: string): Promise<string | undefined> {
    return (await this.openPull(head))?.html_url;
  }

  /** Labels, assignees and reviewers are added (what people added by hand stays); auto-merge when allowed. */
  private async applyMetadata(pull: GitHubPull, content: PullRequestContent): Promise<void> {
    const { owner, repo, client, logger } = this.options;
    const issue = { owner, repo, issue_number: pull.number };
    const have = (list: string[] | undefined, present: string[] = []) =>
      (list ?? []).filter((item) => !present.includes(item));
    const labels = have(
      content.labels,
      pull.labels?.map((l) => l.name),
    );
    if (labels.length)
      await client.rest('POST /repos/{owner}/{repo}/issues/{issue_number}/labels', { ...issue, labels });
    const assignees = have(
      content.assignees,
      pull.assignees?.map((a) => a.login),
    );
    if (assignees.length)
      await client.rest('POST /repos/{owner}/{repo}/issues/{issue_number}/assignees', {
        ...issue,
        assignees,
      });
    // `org/team` names a team; the rest are users.
    const wanted = content.reviewers ?? [];
    const reviewers = have(
      wanted.filter((r) => !r.includes('/')),
      pull.requested_reviewers?.map((r) => r.login),
    );
    const teams = have(
      wanted.filter((r) => r.includes('/')).map((r) => r.slice(r.indexOf('/') + 1)),
      pull.requested_teams?.map((t) => t.slug),
    );
    if (reviewers.length || teams.length) {
      await client.rest('POST /repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers', {
        owner,
        repo,
        pull_number: pull.number,
        reviewers,
        team_reviewers: teams,
      });
    }
    if (content.autoMerge) {
      const result = await client.graphql(
        'mutation ($id: ID!, $mergeMethod: PullRequestMergeMethod!) { enablePullRequestAutoMerge(input: { pullRequestId: $id, mergeMethod: $mergeMethod }) { clientMutationId } }',
        { id: pull.node_id, mergeMethod: content.autoMerge.toUpperCase() },
      );
      // Auto-merge needs it allowed on the repository and a protected base branch: say so, do not fail.
      if (!result.ok)
        logger.warning(
          `auto-merge not enabled on ${pull.html_url}: ${result.errors.map((e) => e.message).join('; ')}`,
        );
    }
  }

  private async openPull(head: string): Promise<GitHubPull | undefined> {
    const { owner, repo, client } = this.options;
    const list = await client.rest<GitHubPull[]>('GET /repos/{owner}/{repo}/pulls', {
      owner,
      repo,
      head: `${owner}:${head}`,
      state: 'open',
    });
    return list[0];
  }
}

function alreadyExists(body: unknown): boolean {
  const errors = (body as { errors?: { message?: string }[] } | undefined)?.errors ?? [];
  return errors.some((e) => /already exists/i.test(e.message ?? ''));
}

/**
 * GitLab: the push opens/updates the merge request; its URL is in the remote's messages. Reviewers
 * cannot be push options: they are set through the API when a token that may use it is at hand.
 */
export class GitLabMergeRequests implements PullRequestProvider {
  constructor(
    private readonly logger: Logger,
    private readonly api?: { client: GitLabApi; project: string },
  ) {}

  pushOptions(content: PullRequestContent): string[] {
    return gitlabPushOptions(content);
  }

  async upsert(content: PullRequestContent, pushStderr: string): Promise<PullRequestResult | undefined> {
    const url = mergeRequestUrl(pushStderr);
    if (!url) this.logger.warning(`GitLab did not report a merge request URL for ${content.head}`);
    // GitLab prints the same line for a new and an updated merge request.
    const result = url ? { url, number: Number(url.split('/').pop()), created: false } : undefined;
    if (result && content.reviewers?.length) await this.requestReviews(result.number, content.reviewers);
    return result;
  }

  private async requestReviews(iid: number, usernames: string[]): Promise<void> {
    if (!this.api) {
      this.logger.warning(
        `reviewers not set: GitLab takes them only through its API, which the CI job token cannot use; pass a project access token in 'token'`,
      );
      return;
    }
    const { client, project } = this.api;
    const ids: number[] = [];
    for (const username of usernames) {
      const users = await client.request<{ id: number }[]>(
        'GET',
        `/users?username=${encodeURIComponent(username)}`,
      );
      if (users[0]) ids.push(users[0].id);
      else this.logger.warning(`reviewer '${username}' is not a GitLab user; left out`);
    }
    const path = `/projects/${GitLabApi.project(project)}/merge_requests/${iid}`;
    const current = await client.request<{ reviewers?: { id: number }[] }>('GET', path);
    const reviewerIds = [...new Set([...(current.reviewers ?? []).map((r) => r.id), ...ids])];
    await client.request('PUT', path, { reviewer_ids: reviewerIds });
  }
}

/** Push options for GitLab; values may not hold newlines, so the description is kept to one line. */
export function gitlabPushOptions(content: PullRequestContent): string[] {
  const oneLine = (text: string) => text.replace(/\s*\n\s*/g, ' ').trim();
  return [
    'merge_request.create',
    `merge_request.target=${content.base}`,
    `merge_request.title=${oneLine(content.title)}`,
    `merge_request.description=${oneLine(content.body).slice(0, 1000)}`,
    'merge_request.remove_source_branch',
    ...(content.labels ?? []).map((label) => `merge_request.label=${oneLine(label)}`),
    ...(content.assignees ?? []).map((user) => `merge_request.assign=${oneLine(user)}`),
    ...(content.draft ? ['merge_request.draft'] : []),
    // GitLab merges with the project's method; the option only asks for "when the pipeline succeeds".
    ...(content.autoMerge ? ['merge_request.auto_merge'] : []),
  ];
}

/** `remote:   https://gitlab.example.com/group/project/-/merge_requests/12` in push output. */
export function mergeRequestUrl(stderr: string): string | undefined {
  return /https?:\/\/\S+\/-\/merge_requests\/\d+/.exec(stderr)?.[0];
}
