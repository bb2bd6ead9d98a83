import { readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as core from '@actions/core';
import type { RunContext } from '../core/context.ts';
import { UserError } from '../core/errors.ts';
import type { Logger, SourcePosition } from '../core/log.ts';
import { type Platform, Redactor } from './platform.ts';

/** GitHub Actions: inputs from INPUT_*, file commands for outputs, OIDC from the runner. */
export class GitHubPlatform implements Platform {
  readonly name = 'github';
  private readonly redactor = new Redactor();
  private readonly summaryParts: string[] = [];

  readonly log: Logger = {
    info: (message) => core.info(this.redactor.redact(message)),
    debug: (message) => core.debug(this.redactor.redact(message)),
    warning: (message, where) => core.warning(this.redactor.redact(message), annotation(where)),
    error: (message, where) => core.error(this.redactor.redact(message), annotation(where)),
    group: (title, fn) => core.group(title, fn),
  };

  input(name: string): string | undefined {
    return process.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`];
  }

  mask(value: string): void {
    for (const part of this.redactor.add(value)) core.setSecret(part);
  }

  setOutput(name: string, value: string): void {
    core.setOutput(name, this.redactor.redact(value));
  }

  summary(markdown: string): void {
    this.summaryParts.push(this.redactor.redact(markdown));
  }

  async idToken(audience: string): Promise<string> {
    if (!process.env.ACTIONS_ID_TOKEN_REQUEST_URL || !process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN) {
      throw new UserError(
        'No OIDC token available: add `permissions: id-token: write` to the workflow or job (fork pull requests never get one).',
      );
    }
    const token = await core.getIDToken(audience);
    this.mask(token);
    return token;
  }

  async context(): Promise<RunContext> {
    const env = process.env;
    const payload = readEvent(env.GITHUB_EVENT_PATH);
    const eventName = env.GITHUB_EVENT_NAME ?? '';
    const ref = env.GITHUB_REF ?? '';
    const pr = payload.pull_request as { number?: number; base?: { ref?: string } } | undefined;
    const repo = payload.repository as { default_branch?: string } | undefined;
    const head = payload.head_commit as { timestamp?: string } | undefined;
    const workspace = env.GITHUB_WORKSPACE || process.cwd();
    const tempRoot = env.RUNNER_TEMP || tmpdir();
    return {
      platform: 'github',
      workspace,
      tempDir: await mkdtemp(join(tempRoot, 'golden-actions-')),
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
      commitTime: head?.timestamp ? Math.floor(Date.parse(head.timestamp) / 1000) : undefined,
    };
  }

  fail(message: string): void {
    core.setFailed(this.redactor.redact(message));
  }

  async finish(): Promise<void> {
    if (this.summaryParts.length === 0 || !process.env.GITHUB_STEP_SUMMARY) return;
    await core.summary.addRaw(this.summaryParts.join('\n'), true).write();
    this.summaryParts.length = 0;
  }
}

function annotation(where?: SourcePosition): core.AnnotationProperties | undefined {
  if (!where) return undefined;
  return { file: where.file, startLine: where.line, startColumn: where.column, title: where.title };
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
