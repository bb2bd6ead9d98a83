import { readFileSync } from 'node:fs';
import type { RunContext } from '../core/context.ts';
import { type KnownEnv, knownEnv, prefixedEnv } from '../core/env-vars.ts';
import { UserError } from '../core/errors.ts';
import type { Logger, SourcePosition } from '../core/log.ts';
import { connectionHint, type HttpResponse, httpRequest } from '../core/net/http.ts';
import { isRetryableStatus, isTransientNetworkError, retry } from '../core/util/retry.ts';
import { type PlatformContext, withCommitTimes } from './context.ts';
import {
  appendSummary,
  type CommandProperties,
  fileCommand,
  issueCommand,
  writeInert,
} from './github-commands.ts';
import { type Platform, Redactor } from './platform.ts';

/** GitHub Actions: inputs from INPUT_*, file commands for outputs, OIDC from the runner. */
export class GitHubPlatform implements Platform {
  readonly name = 'github';
  private readonly redactor = new Redactor();
  private readonly summaryParts: string[] = [];

  readonly log: Logger = {
    info: (message) => writeInert((text) => process.stdout.write(text), this.redactor.redact(message)),
    debug: (message) => issueCommand('debug', this.redactor.redact(message)),
    warning: (message, where) => issueCommand('warning', this.redactor.redact(message), annotation(where)),
    error: (message, where) => issueCommand('error', this.redactor.redact(message), annotation(where)),
    group: async (title, fn) => {
      issueCommand('group', this.redactor.redact(title));
      try {
        return await fn();
      } finally {
        issueCommand('endgroup', '');
      }
    },
  };

  input(name: string): string | undefined {
    return prefixedEnv(process.env, 'INPUT_', name.replace(/ /g, '_').toUpperCase());
  }

  mask(value: string): void {
    for (const part of this.redactor.add(value)) issueCommand('add-mask', part);
  }

  setOutput(name: string, value: string): void {
    fileCommand('GITHUB_OUTPUT', name, this.redactor.redact(value));
  }

  summary(markdown: string): void {
    this.summaryParts.push(this.redactor.redact(markdown));
  }

  async idToken(audience: string): Promise<string> {
    const env = knownEnv();
    if (!env.ACTIONS_ID_TOKEN_REQUEST_URL || !env.ACTIONS_ID_TOKEN_REQUEST_TOKEN) {
      throw new UserError(
        'No OIDC token available: add `permissions: id-token: write` to the workflow or job (fork pull requests never get one).',
      );
    }
    const token = await requestIdToken(
      env.ACTIONS_ID_TOKEN_REQUEST_URL,
      env.ACTIONS_ID_TOKEN_REQUEST_TOKEN,
      audience,
    );
    this.mask(token);
    return token;
  }

  readonly tempRoot = knownEnv().RUNNER_TEMP;

  async context(): Promise<PlatformContext> {
    const env = knownEnv();
    return withCommitTimes(githubContext(env, readEvent(env.GITHUB_EVENT_PATH)));
  }

  fail(message: string): void {
    issueCommand('error', this.redactor.redact(message));
    process.exitCode = 1;
  }

  async finish(): Promise<void> {
    if (this.summaryParts.length === 0) return;
    appendSummary(this.summaryParts.join('\n'));
    this.summaryParts.length = 0;
  }
}

/**
 * The run's context as GitHub's variables and the event payload state it; git's commit times are
 * added by `withCommitTimes` (the payload's head-commit time stands in when there is no checkout).
 */
export function githubContext(env: KnownEnv, payload: Record<string, unknown>): PlatformContext {
  const eventName = env.GITHUB_EVENT_NAME ?? '';
  const ref = env.GITHUB_REF ?? '';
  const pr = payload.pull_request as
    | { number?: number; base?: { ref?: string }; head?: { sha?: string } }
    | undefined;
  const repo = payload.repository as
    | {
        default_branch?: string;
        name?: string;
        description?: string | null;
        html_url?: string;
        license?: { spdx_id?: string } | null;
      }
    | undefined;
  const head = payload.head_commit as { timestamp?: string } | undefined;
  return {
    platform: 'github',
    workspace: env.GITHUB_WORKSPACE || process.cwd(),
    sha: env.GITHUB_SHA ?? '',
    ref,
    event: githubEvent(eventName, ref),
    repository: env.GITHUB_REPOSITORY,
    serverUrl: env.GITHUB_SERVER_URL || 'https://github.com',
    apiUrl: env.GITHUB_API_URL || 'https://api.github.com',
    defaultBranch: repo?.default_branch,
    before: typeof payload.before === 'string' ? payload.before : undefined,
    baseRef: env.GITHUB_BASE_REF || pr?.base?.ref || undefined,
    pullRequest: pr?.number,
    pullRequestHead: pr?.head?.sha ? { sha: pr.head.sha } : undefined,
    repositoryInfo: repo
      ? {
          name: repo.name,
          description: repo.description ?? undefined,
          url: repo.html_url,
          license: repo.license?.spdx_id,
        }
      : undefined,
    commitTime: head?.timestamp ? Math.floor(Date.parse(head.timestamp) / 1000) : undefined,
  };
}

function annotation(where?: SourcePosition): CommandProperties | undefined {
  if (!where) return undefined;
  return { file: where.file, line: where.line, col: where.column, title: where.title };
}

function readEvent(path: string | undefined): Record<string, unknown> {
  if (!path) return {};
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch {
    return {};
  }
}

function githubEvent(name: string, ref: string): RunContext['event'] {
  if (name === 'push') return ref.startsWith('refs/tags/') ? 'tag' : 'push';
  if (name.startsWith('pull_request') || name === 'merge_group') return 'pull_request';
  if (name === 'schedule') return 'schedule';
  if (name === 'workflow_dispatch' || name === 'repository_dispatch') return 'manual';
  return 'other';
}

class IdTokenError extends UserError {
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

/**
 * The runner's OIDC token: GET `<request url>&audience=<audience>` with the request token as bearer,
 * answered `{"value": "<jwt>"}`. The project's fetch (proxies honoured) rather than @actions/core,
 * whose bundled HTTP stack is larger than the rest of the action; transient failures are retried.
 */
async function requestIdToken(url: string, requestToken: string, audience: string): Promise<string> {
  const target = `${url}${url.includes('?') ? '&' : '?'}audience=${encodeURIComponent(audience)}`;
  return retry(
    async () => {
      let response: HttpResponse;
      let text: string;
      try {
        response = await httpRequest(target, {
          headers: { authorization: `Bearer ${requestToken}`, accept: 'application/json' },
          signal: AbortSignal.timeout(30_000),
        });
        text = response.text();
      } catch (error) {
        // Name the host and the innermost cause (getaddrinfo ENOTFOUND …, connect ECONNREFUSED …).
        throw new IdTokenError(
          `Cannot reach the OIDC token service at ${new URL(target).host}: ${networkCause(error)}${connectionHint(error)}`,
          isTransientNetworkError(error),
        );
      }
      if (!response.ok) {
        throw new IdTokenError(
          `Failed to get the OIDC token: HTTP ${response.status} ${text.slice(0, 200)}`,
          isRetryableStatus(response.status),
        );
      }
      let value: unknown;
      try {
        value = (JSON.parse(text) as { value?: unknown }).value;
      } catch {
        value = undefined;
      }
      if (typeof value !== 'string' || value === '')
        throw new IdTokenError('Failed to get the OIDC token: the response holds no token', false);
      return value;
    },
    {
      attempts: 4,
      baseMs: 500,
      capMs: 4000,
      retryable: (error) =>
        error instanceof IdTokenError ? error.retryable : isTransientNetworkError(error),
    },
  );
}

/** The innermost cause of a failed fetch, e.g. `getaddrinfo ENOTFOUND host`. */
function networkCause(error: unknown): string {
  let message = error instanceof Error ? error.message : String(error);
  for (let e: unknown = error; e && typeof e === 'object'; e = (e as { cause?: unknown }).cause) {
    if (e instanceof Error && e.message) message = e.message;
  }
  return message;
}
