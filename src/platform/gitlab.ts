import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { RunContext } from '../core/context.ts';
import { GITLAB_ID_TOKEN_VARIABLE, type KnownEnv, prefixedEnv } from '../core/env-vars.ts';
import { UserError } from '../core/errors.ts';
import { type CliOptions, CliPlatform } from './cli.ts';
import { type PlatformContext, withCommitTimes } from './context.ts';

const ESC = '\u001b[0K';

/**
 * GitLab CI/CD: the CLI with the job's context. Inputs come from the component's GA_INPUT_*
 * variables, outputs also go to a dotenv report, the OIDC token from an `id_tokens` variable.
 */
export class GitLabPlatform extends CliPlatform {
  override readonly name = 'gitlab' as const;
  private sections = 0;

  constructor(options: CliOptions) {
    super(options);
  }

  protected override sectionStart(title: string): void {
    const id = `golden_actions_${++this.sections}`;
    this.err(
      `${ESC}section_start:${Math.floor(Date.now() / 1000)}:${id}[collapsed=true]\r${ESC}${this.redactor.redact(title)}\n`,
    );
  }

  protected override sectionEnd(): void {
    const id = `golden_actions_${this.sections}`;
    this.err(`${ESC}section_end:${Math.floor(Date.now() / 1000)}:${id}\r${ESC}\n`);
  }

  /** Component inputs are YAML: messages keep naming them so. */
  protected override spell(text: string): string {
    return text;
  }

  override async idToken(audience: string): Promise<string> {
    const variable = this.env.GA_ID_TOKEN_VARIABLE || GITLAB_ID_TOKEN_VARIABLE;
    const token = prefixedEnv(this.env, '', variable);
    if (!token) {
      throw new UserError(
        `No OIDC token in $${variable}: declare it in the job as \`id_tokens: { ${variable}: { aud: ${audience} } }\`.`,
      );
    }
    this.mask(token);
    return token;
  }

  override async context(): Promise<PlatformContext> {
    return withCommitTimes(gitlabContext(this.env, this.options));
  }

  override async finish(): Promise<void> {
    const dotenvPath = this.env.GA_DOTENV;
    if (dotenvPath) {
      const lines: string[] = [];
      // Declared outputs first: where the limits below cut, they are kept (even when a failing run
      // set per-filter outputs before them).
      const entries = [...this.outputs].sort(
        ([, a], [, b]) => Number(!a.meta?.report?.declared) - Number(!b.meta?.report?.declared),
      );
      const written = new Set<string>();
      for (const [name, { value, meta }] of entries) {
        const report = meta?.report;
        // An alias output (e.g. `app-count` beside `app_count`) has the same variable: written once.
        if (!report || written.has(report.name)) continue;
        written.add(report.name);
        const dotenv = report.name;
        const flat = value.split('\n').filter(Boolean).join(',');
        if (/\s/.test(flat)) {
          this.log.warning(`output '${name}' has white space and cannot go into the dotenv report`);
          continue;
        }
        lines.push(`${dotenv}=${flat}`);
      }
      // GitLab refuses a whole report over its limits (20 variables on self-managed by default, 5 KB):
      // keep what fits, declared outputs first, and say what was left out.
      const limit = Number(this.env.GA_DOTENV_LIMIT) || 20;
      let bytes = 0;
      const kept = lines.filter((line, index) => {
        bytes += Buffer.byteLength(line) + 1;
        return index < limit && bytes <= 5120;
      });
      if (kept.length < lines.length) {
        const dropped = lines.slice(kept.length).map((line) => line.slice(0, line.indexOf('=')));
        this.log.warning(
          `dotenv report: kept ${kept.length} of ${lines.length} variables (limit ${limit}, 5 KB); left out ${dropped.join(', ')}`,
        );
      }
      lines.length = 0;
      lines.push(...kept);
      const file = resolve(this.env.CI_PROJECT_DIR || process.cwd(), dotenvPath);
      await writeFile(file, lines.length ? `${lines.join('\n')}\n` : '');
    }
    if (this.summaries.length) {
      await this.log.group('Summary', async () => this.log.info(this.summaries.join('\n')));
    }
    await super.finish();
  }
}

/**
 * The job's context as GitLab's predefined variables state it (the CLI's --ref, --sha and
 * --default-branch win); git's commit times are added by `withCommitTimes`.
 */
export function gitlabContext(
  env: KnownEnv,
  options: Pick<CliOptions, 'ref' | 'sha' | 'defaultBranch'> = {},
): PlatformContext {
  const tag = env.CI_COMMIT_TAG;
  const mr = env.CI_MERGE_REQUEST_IID;
  const branch = env.CI_COMMIT_BRANCH || env.CI_MERGE_REQUEST_SOURCE_BRANCH_NAME || env.CI_COMMIT_REF_NAME;
  const ref =
    options.ref ??
    (tag ? `refs/tags/${tag}` : mr ? `refs/merge-requests/${mr}/head` : `refs/heads/${branch ?? ''}`);
  const sha = options.sha ?? env.CI_COMMIT_SHA ?? '';
  const timestamp = env.CI_COMMIT_TIMESTAMP
    ? Math.floor(Date.parse(env.CI_COMMIT_TIMESTAMP) / 1000)
    : undefined;
  const mrHead = env.CI_MERGE_REQUEST_SOURCE_BRANCH_SHA;
  return {
    platform: 'gitlab',
    workspace: env.CI_PROJECT_DIR || process.cwd(),
    sha,
    ref,
    event: gitlabEvent(env.CI_PIPELINE_SOURCE ?? '', Boolean(tag)),
    repository: env.CI_PROJECT_PATH,
    serverUrl: env.CI_SERVER_URL,
    apiUrl: env.CI_API_V4_URL,
    defaultBranch: options.defaultBranch || env.CI_DEFAULT_BRANCH,
    before: env.CI_COMMIT_BEFORE_SHA,
    baseRef: env.CI_MERGE_REQUEST_TARGET_BRANCH_NAME,
    pullRequest: mr ? Number(mr) : undefined,
    // Merged-results pipelines build a merge commit; the merge request's own head is this one.
    pullRequestHead: mrHead && mrHead !== sha ? { sha: mrHead } : undefined,
    repositoryInfo: {
      name: env.CI_PROJECT_NAME,
      description: env.CI_PROJECT_DESCRIPTION || undefined,
      url: env.CI_PROJECT_URL,
    },
    commitTime: Number.isFinite(timestamp) ? timestamp : undefined,
    token: env.CI_JOB_TOKEN,
  };
}

function gitlabEvent(source: string, isTag: boolean): RunContext['event'] {
  if (isTag) return 'tag';
  if (source === 'merge_request_event' || source === 'external_pull_request_event') return 'pull_request';
  if (source === 'push') return 'push';
  if (source === 'schedule') return 'schedule';
  if (source === 'web' || source === 'api' || source === 'trigger' || source === 'pipeline') return 'manual';
  return 'other';
}
