/**
 * The one small client for GitLab's REST API (v4): `PRIVATE-TOKEN` auth (the CI job token as
 * `JOB-TOKEN`), JSON in and out, the shared retry policy for throttling and server errors, and the
 * proxy/CA handling of every other HTTP call (httpFetch).
 */
import { UserError } from '../errors.ts';
import type { Logger } from '../log.ts';
import { httpFetch } from '../net/http.ts';
import { isRetryableStatus, isTransientNetworkError, retry } from '../util/retry.ts';

export class GitLabApiError extends UserError {
  constructor(
    readonly status: number,
    readonly body: unknown,
    message: string,
  ) {
    super(message);
  }
}

export interface GitLabApiOptions {
  /** `https://gitlab.example.com/api/v4` (CI_API_V4_URL). */
  apiUrl: string;
  token: string;
  /** The token is the CI job token (sent as JOB-TOKEN, which only some endpoints accept). */
  jobToken?: boolean;
  logger: Logger;
  retryBaseMs?: number;
}

export class GitLabApi {
  constructor(private readonly options: GitLabApiOptions) {}

  /** `project` paths are URL-encoded as GitLab wants them (`group%2Fsub%2Fproject`). */
  static project(path: string): string {
    return encodeURIComponent(path);
  }

  request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const url = `${this.options.apiUrl.replace(/\/+$/, '')}${path}`;
    return retry(
      async () => {
        const response = await httpFetch(url, {
          method,
          headers: {
            [this.options.jobToken ? 'JOB-TOKEN' : 'PRIVATE-TOKEN']: this.options.token,
            accept: 'application/json',
            'user-agent': 'golden-actions',
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
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
        if (!response.ok) {
          const message = (data as { message?: unknown; error?: unknown } | undefined)?.message ?? data;
          throw new GitLabApiError(
            response.status,
            data,
            `GitLab API ${method} ${path.split('?')[0]} failed with ${response.status}: ${typeof message === 'string' ? message : JSON.stringify(message)}`,
          );
        }
        return data as T;
      },
      {
        attempts: 4,
        baseMs: this.options.retryBaseMs ?? 1000,
        capMs: 10_000,
        retryable: (error) =>
          error instanceof GitLabApiError ? isRetryableStatus(error.status) : isTransientNetworkError(error),
        onRetry: (error, attempt, delay) =>
          this.options.logger.info(
            `GitLab API ${method} ${path.split('?')[0]}: ${(error as Error).message}; retry ${attempt} in ${delay} ms`,
          ),
      },
    );
  }
}
