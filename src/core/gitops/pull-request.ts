/**
 * Opening or updating the pull/merge request for the bot branch (gitops-bump.md §4). GitHub: REST
 * with fetch; an already open PR for the branch (422) is found and updated, never duplicated. GitLab:
 * merge request push options on the branch push; a later push updates the open MR.
 */
import { UserError } from '../errors.ts';
import type { Logger } from '../log.ts';
import { isRetryableStatus, isTransientNetworkError, retry } from '../util/retry.ts';

export interface PullRequestContent {
  head: string;
  base: string;
  title: string;
  body: string;
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
  apiUrl: string;
  owner: string;
  repo: string;
  token: string;
  logger: Logger;
  fetch?: typeof fetch;
  /** Delay base for retried requests (tests shorten it). */
  retryBaseMs?: number;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    message: string,
  ) {
    super(message);
  }
}

interface GitHubPull {
  number: number;
  html_url: string;
  title?: string;
  body?: string | null;
}

export class GitHubPullRequests implements PullRequestProvider {
  private readonly fetch: typeof fetch;

  constructor(private readonly options: GitHubOptions) {
    this.fetch = options.fetch ?? globalThis.fetch;
  }

  pushOptions(): string[] {
    return [];
  }

  async upsert(content: PullRequestContent): Promise<PullRequestResult> {
    const { owner, repo } = this.options;
    try {
      const created = await this.request<GitHubPull>('POST', `/repos/${owner}/${repo}/pulls`, {
        title: content.title,
        head: content.head,
        base: content.base,
        body: content.body,
      });
      return { url: created.html_url, number: created.number, created: true };
    } catch (error) {
      if (!(error instanceof HttpError) || error.status !== 422 || !alreadyExists(error.body)) throw error;
    }
    const open = await this.openPull(content.head);
    if (!open)
      throw new UserError(
        `GitHub says a pull request for ${content.head} exists, but none is open for ${owner}:${content.head}`,
      );
    if (open.title !== content.title || (open.body ?? '') !== content.body) {
      await this.request('PATCH', `/repos/${owner}/${repo}/pulls/${open.number}`, {
        title: content.title,
        body: content.body,
      });
    }
    return { url: open.html_url, number: open.number, created: false };
  }

  async find(head: string): Promise<string | undefined> {
    return (await this.openPull(head))?.html_url;
  }

  private async openPull(head: string): Promise<GitHubPull | undefined> {
    const { owner, repo } = this.options;
    const query = new URLSearchParams({ head: `${owner}:${head}`, state: 'open' });
    const list = await this.request<GitHubPull[]>('GET', `/repos/${owner}/${repo}/pulls?${query}`);
    return list[0];
  }

  private request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const url = `${this.options.apiUrl.replace(/\/+$/, '')}${path}`;
    return retry(
      async () => {
        const response = await this.fetch(url, {
          method,
          headers: {
            Accept: 'application/vnd.github+json',
            'X-GitHub-Api-Version': '2022-11-28',
            Authorization: `Bearer ${this.options.token}`,
            'User-Agent': 'golden-actions',
            ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
          },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(30_000),
        });
        const text = await response.text();
        let data: unknown = text;
        try {
          data = text ? JSON.parse(text) : undefined;
        } catch {
          // keep the text
        }
        if (!response.ok)
          throw new HttpError(response.status, data, githubError(method, path, response.status, data));
        return data as T;
      },
      {
        attempts: 4,
        baseMs: this.options.retryBaseMs ?? 1000,
        capMs: 10_000,
        retryable: (error) =>
          error instanceof HttpError ? isRetryableStatus(error.status) : isTransientNetworkError(error),
        onRetry: (error, attempt, delay) =>
          this.options.logger.info(
            `GitHub API ${method} ${path}: ${(error as Error).message}; retry ${attempt} in ${delay} ms`,
          ),
      },
    ).catch((error: unknown) => {
      if (error instanceof HttpError && error.status !== 422) throw new UserError(error.message);
      throw error;
    });
  }
}

function alreadyExists(body: unknown): boolean {
  const errors = (body as { errors?: { message?: string }[] } | undefined)?.errors ?? [];
  return errors.some((e) => /already exists/i.test(e.message ?? ''));
}

function githubError(method: string, path: string, status: number, body: unknown): string {
  const message =
    (body as { message?: string } | undefined)?.message ??
    (typeof body === 'string' ? body.slice(0, 200) : '');
  const details = ((body as { errors?: { message?: string }[] } | undefined)?.errors ?? [])
    .map((e) => e.message)
    .filter(Boolean);
  const hint =
    status === 403 && /not permitted to create or approve pull requests/i.test(message)
      ? ' (enable "Allow GitHub Actions to create and approve pull requests", or pass a PAT / GitHub App token)'
      : status === 401 || status === 403
        ? ' (the token needs contents: write and pull-requests: write on the GitOps repository)'
        : '';
  return `GitHub API ${method} ${path.split('?')[0]} failed with ${status}: ${message}${details.length ? ` (${details.join('; ')})` : ''}${hint}`;
}

/** GitLab: the push opens/updates the merge request; its URL is in the remote's messages. */
export class GitLabMergeRequests implements PullRequestProvider {
  constructor(private readonly logger: Logger) {}

  pushOptions(content: PullRequestContent): string[] {
    return gitlabPushOptions(content);
  }

  async upsert(content: PullRequestContent, pushStderr: string): Promise<PullRequestResult | undefined> {
    const url = mergeRequestUrl(pushStderr);
    if (!url) this.logger.warning(`GitLab did not report a merge request URL for ${content.head}`);
    // GitLab prints the same line for a new and an updated merge request.
    return url ? { url, number: Number(url.split('/').pop()), created: false } : undefined;
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
  ];
}

/** `remote:   https://gitlab.example.com/group/project/-/merge_requests/12` in push output. */
export function mergeRequestUrl(stderr: string): string | undefined {
  return /https?:\/\/\S+\/-\/merge_requests\/\d+/.exec(stderr)?.[0];
}
