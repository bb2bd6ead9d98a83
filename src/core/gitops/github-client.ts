/**
 * GitHub's API through octokit (`@actions/github`): REST and GraphQL, GHES base URLs, loaded only
 * when an API call is made. Requests go through httpFetch (proxy variables and CAs as everywhere
 * else) and the shared retry policy for throttling, server errors and dropped connections.
 */
import { UserError } from '../errors.ts';
import type { Logger } from '../log.ts';
import { httpFetch } from '../net/http.ts';
import { isRetryableStatus, isTransientNetworkError, retry } from '../util/retry.ts';

export interface GitHubClientOptions {
  /** REST base: https://api.github.com, or https://<ghes>/api/v3. */
  apiUrl: string;
  token: string;
  logger: Logger;
  retryBaseMs?: number;
  /** Only for tests: a scripted fetch. */
  fetch?: typeof fetch;
}

/** A REST error with GitHub's status and JSON body. */
export class GitHubApiError extends UserError {
  constructor(
    readonly status: number,
    readonly body: unknown,
    message: string,
  ) {
    super(message);
  }
}

type Octokit = ReturnType<typeof import('@actions/github').getOctokit>;

export type GraphQlResult<T> =
  | { ok: true; data: T }
  | { ok: false; errors: { type?: string; message?: string }[] };

export class GitHubClient {
  private octokit?: Promise<Octokit>;

  constructor(private readonly options: GitHubClientOptions) {}

  private client(): Promise<Octokit> {
    this.octokit ??= import('@actions/github').then(({ getOctokit }) =>
      getOctokit(this.options.token, {
        baseUrl: this.options.apiUrl.replace(/\/+$/, ''),
        userAgent: 'golden-actions',
        request: { fetch: this.options.fetch ?? httpFetch },
      }),
    );
    return this.octokit;
  }

  /** One REST call, e.g. `rest('POST /repos/{owner}/{repo}/pulls', {...})`. */
  async rest<T>(route: string, params: Record<string, unknown> = {}): Promise<T> {
    const octokit = await this.client();
    const [method, path] = route.split(' ');
    return this.retrying(`${method} ${path}`, async () => {
      try {
        const response = await octokit.request(route, {
          ...params,
          headers: { accept: 'application/vnd.github+json', 'x-github-api-version': '2022-11-28' },
        });
        return response.data as T;
      } catch (error) {
        const status = (error as { status?: unknown }).status;
        if (typeof status !== 'number' || status < 400) throw error;
        const body = (error as { response?: { data?: unknown } }).response?.data;
        throw new GitHubApiError(status, body, githubError(method!, path!, status, body));
      }
    });
  }

  /** A GraphQL call; errors GitHub reports in the response body are returned, not thrown. */
  async graphql<T>(query: string, variables: Record<string, unknown>): Promise<GraphQlResult<T>> {
    const octokit = await this.client();
    return this.retrying('GraphQL', async () => {
      try {
        return { ok: true, data: await octokit.graphql<T>(query, variables) };
      } catch (error) {
        const errors = (error as { errors?: { type?: string; message?: string }[] }).errors;
        if (Array.isArray(errors) && errors.length) return { ok: false, errors };
        const status = (error as { status?: unknown }).status;
        if (typeof status === 'number' && status >= 400) {
          const body = (error as { response?: { data?: unknown } }).response?.data;
          throw new GitHubApiError(status, body, githubError('POST', '/graphql', status, body));
        }
        throw error;
      }
    });
  }

  private retrying<T>(what: string, fn: () => Promise<T>): Promise<T> {
    return retry(fn, {
      attempts: 4,
      baseMs: this.options.retryBaseMs ?? 1000,
      capMs: 10_000,
      retryable: (error) =>
        error instanceof GitHubApiError ? isRetryableStatus(error.status) : isTransientNetworkError(error),
      onRetry: (error, attempt, delay) =>
        this.options.logger.info(
          `GitHub API ${what}: ${(error as Error).message}; retry ${attempt} in ${delay} ms`,
        ),
    });
  }
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
