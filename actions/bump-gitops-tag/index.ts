import { join } from 'node:path';
import type { RunContext } from '../../src/core/context.ts';
import { InputError } from '../../src/core/errors.ts';
import { checkBump } from '../../src/core/flux/bump-check.ts';
import type { Finding } from '../../src/core/flux/finding.ts';
import type { SourceFile } from '../../src/core/flux/objects.ts';
import { findingText } from '../../src/core/flux/report.ts';
import { GitLabApi } from '../../src/core/gitlab/api.ts';
import { GitHubApiCommitter, GitLabApiCommitter } from '../../src/core/gitops/api-commit.ts';
import { type BumpResult, bumpGitopsTag } from '../../src/core/gitops/bump.ts';
import { commitMessage } from '../../src/core/gitops/bump-defaults.ts';
import { GitHubClient } from '../../src/core/gitops/github-client.ts';
import {
  GitHubPullRequests,
  GitLabMergeRequests,
  type PullRequestProvider,
} from '../../src/core/gitops/pull-request.ts';
import { type Remote, resolveRemote } from '../../src/core/gitops/remote.ts';
import { imageBaseName, nameProblem, parseImageRef, tagProblem } from '../../src/core/registry/reference.ts';
import type { Inputs, RunArgs } from '../../src/definition.ts';
import { finishFluxCheck, withObjects } from '../shared/flux.ts';
import { gitEnvFor, mayReceive } from '../shared/git-auth.ts';
import { commitAuthor } from './author.ts';
import { definition } from './definition.ts';

export { definition };

type BumpInputs = Inputs<typeof definition>;

export async function run(args: RunArgs<Inputs<typeof definition>>): Promise<Record<string, string>> {
  const { inputs, context, log, summary } = args;
  validate(inputs);
  // `files` was once comma-separated too: say so when a comma outside braces is now part of a glob.
  for (const glob of inputs.files.filter((g) => /,(?![^{]*\})/.test(g))) {
    log.warning(`Input 'files': '${glob}' is one glob (one per line; commas only separate inside {…})`);
  }
  const remote = await resolveRemote(inputs.repository, context);
  if (remote.credentials) args.mask(remote.credentials.password);
  const given = inputs.token || remote.credentials?.password || context.token || '';
  // A token this remote's host may not receive is used for nothing: neither git nor the pull request API.
  const token = given && mayReceive(remote.url, given, context, log) ? given : '';
  const mode = inputs.mode;
  const author = await commitAuthor(
    { name: inputs['author-name'], email: inputs['author-email'] },
    context,
    token,
    log,
  );
  checkAuthor(author);
  const image = inputs.image;
  const result = await bumpGitopsTag({
    url: remote.url,
    display: remote.display,
    env: gitEnvFor(remote.url, token, args, remote.credentials?.username),
    branch: inputs.branch,
    files: inputs.files,
    image,
    tag: inputs.tag,
    strategy: inputs.strategy,
    yamlPath: inputs['yaml-path'] || undefined,
    onlyIfNewer: inputs['only-if-newer'],
    mode,
    // The skip token only where the push could start this same pipeline again (see docs).
    message: commitMessage({
      image,
      tag: inputs.tag,
      custom: inputs['commit-message'],
      skipCi: mode === 'push' && remote.current,
    }),
    author,
    maxAttempts: inputs['max-attempts'],
    dryRun: inputs['dry-run'],
    workDir: join(context.tempDir, 'gitops'),
    logger: log,
    inspect:
      inputs['flux-check'] === 'off'
        ? undefined
        : (sources) =>
            fluxCheck(args, sources, `${remote.display}${inputs.branch ? ` (${inputs.branch})` : ''}`),
    pullRequest:
      mode === 'pull-request'
        ? {
            provider: provider(remote, token, context, log),
            branch: `golden-actions/bump-${branchSafe(imageBaseName(image))}`,
            metadata: {
              title: inputs['pull-request-title'] || undefined,
              body: inputs['pull-request-body'] || undefined,
              labels: inputs.labels,
              reviewers: inputs.reviewers,
              assignees: inputs.assignees,
              draft: inputs.draft,
              autoMerge: inputs['auto-merge'] === 'off' ? undefined : inputs['auto-merge'],
            },
          }
        : undefined,
    apiCommitter: inputs['commit-via'] === 'api' ? apiCommitter(remote, token, context, log) : undefined,
  });
  if (inputs['dry-run'] && result.diff)
    log.info(`dry run: nothing pushed; the change would be:\n${result.diff}`);
  summary(renderSummary(inputs, remote, result));
  return {
    changed: String(result.changed),
    files: JSON.stringify(result.files),
    commit: result.commit ?? '',
    'pull-request': result.pullRequest ?? '',
    'previous-tag': result.previousTag ?? '',
  };
}

/**
 * Before the commit: the setter markers of this image in the edited files each name an ImagePolicy
 * of this image that accepts the new tag and ranks it above the tag it replaces. A policy missing from
 * a sparse checkout may live in a folder that was not checked out: that is said, not reported.
 */
function fluxCheck(
  args: RunArgs<BumpInputs>,
  sources: { files: SourceFile[]; context: SourceFile[]; complete: boolean },
  scope: string,
): void {
  const flux = withObjects([...sources.files, ...sources.context]);
  const edited = new Set(sources.files.map((f) => f.path));
  const result = checkBump(flux.objects, {
    image: args.inputs.image,
    tag: args.inputs.tag,
    inFiles: (path) => edited.has(path),
  });
  const missing = (f: Finding) => f.kind === 'policy-missing' || f.kind === 'repository-missing';
  const findings = sources.complete ? result.findings : result.findings.filter((f) => !missing(f));
  const notes = sources.complete
    ? []
    : result.findings
        .filter(missing)
        .map(
          (f) => `${findingText(f)}; only the folders of 'files' were checked out, so it may be elsewhere`,
        );
  finishFluxCheck(
    args,
    flux,
    { findings, notes },
    {
      mode: args.inputs['flux-check'],
      scope,
      stops: 'nothing was committed',
    },
  );
}

function validate(inputs: BumpInputs): void {
  const tagIssue = tagProblem(inputs.tag);
  if (tagIssue) throw new InputError('tag', `'${inputs.tag}' ${tagIssue}`);
  const ref = parseImageRef(inputs.image);
  if (ref.tag || ref.digest)
    throw new InputError('image', `give the image repository without tag or digest (got '${inputs.image}')`);
  const nameIssue = nameProblem(inputs.image);
  if (nameIssue) throw new InputError('image', `'${inputs.image}' is not a valid image name: ${nameIssue}`);
  if (inputs.files.length === 0) throw new InputError('files', 'needs at least one glob');
  if (inputs['commit-via'] === 'api' && inputs.mode !== 'push')
    throw new InputError(
      'commit-via',
      "'api' works with mode 'push' (the pull-request branch is pushed with git)",
    );
  if (inputs.strategy === 'yaml-path' && !inputs['yaml-path'])
    throw new InputError('yaml-path', "is required with strategy 'yaml-path'");
  const attempts = inputs['max-attempts'];
  if (!Number.isInteger(attempts) || attempts < 1 || attempts > 50)
    throw new InputError('max-attempts', 'must be a whole number from 1 to 50');
  const email = inputs['author-email'];
  if (email && !/^[^\s<>]+@[^\s<>]+$/.test(email))
    throw new InputError('author-email', `'${email}' is not an email address like bot@example.com`);
}

function checkAuthor(author: { name: string; email: string }): void {
  if (/[<>\n]/.test(author.name)) throw new InputError('author-name', 'may not hold <, > or a line break');
  if (!/^[^\s<>]+@[^\s<>]+$/.test(author.email))
    throw new InputError('author-email', `'${author.email}' is not an email address like bot@example.com`);
}

function provider(
  remote: Remote,
  token: string,
  context: RunContext,
  log: RunArgs<BumpInputs>['log'],
): PullRequestProvider {
  if (context.platform === 'gitlab') {
    // The job token cannot set reviewers; another token for this server can.
    const usable =
      token && token !== context.token && remote.sameServer && context.apiUrl && remote.repository;
    return new GitLabMergeRequests(
      log,
      usable
        ? {
            client: new GitLabApi({ apiUrl: context.apiUrl!, token, logger: log }),
            project: remote.repository!,
          }
        : undefined,
    );
  }
  if (!token)
    throw new InputError(
      'token',
      "is required with mode 'pull-request' (the pull request is opened through the GitHub API)",
    );
  const [owner, repo] = (remote.repository ?? '').split('/');
  if (!owner || !repo)
    throw new InputError(
      'repository',
      `cannot tell owner/name for the pull request API from ${remote.display}`,
    );
  const client = new GitHubClient({ apiUrl: apiUrl(remote, context), token, logger: log });
  return new GitHubPullRequests({ client, owner, repo, logger: log });
}

/** `commit-via: api`: the platform's API for this remote, with a token it accepts. */
function apiCommitter(remote: Remote, token: string, context: RunContext, log: RunArgs<BumpInputs>['log']) {
  if (!token)
    throw new InputError('token', "is required with commit-via 'api' (the commit is made through the API)");
  if (context.platform === 'gitlab') {
    if (!context.apiUrl || !remote.repository)
      throw new InputError(
        'commit-via',
        `'api' needs the GitLab project of ${remote.display} on this server`,
      );
    const api = new GitLabApi({
      apiUrl: context.apiUrl,
      token,
      jobToken: token === context.token,
      logger: log,
    });
    return new GitLabApiCommitter(api, remote.repository, log);
  }
  const [owner, repo] = (remote.repository ?? '').split('/');
  if (!owner || !repo)
    throw new InputError('repository', `cannot tell owner/name for the GitHub API from ${remote.display}`);
  const client = new GitHubClient({ apiUrl: apiUrl(remote, context), token, logger: log });
  return new GitHubApiCommitter(client, { owner, repo });
}

/** The platform's API for its own server; for another GitHub host, api.github.com or GHES' /api/v3. */
function apiUrl(remote: Remote, context: RunContext): string {
  const local = remote.url.startsWith('file:');
  if ((remote.sameServer || local) && context.apiUrl) return context.apiUrl;
  if (!/^https?:/.test(remote.url)) {
    throw new InputError(
      'repository',
      `mode 'pull-request' needs an https remote on GitHub (got ${remote.display})`,
    );
  }
  const host = new URL(remote.url).host;
  return host === 'github.com' ? 'https://api.github.com' : `https://${host}/api/v3`;
}

const branchSafe = (name: string) =>
  name.replace(/[^A-Za-z0-9._-]/g, '-').replace(/^[.-]+|\.lock$|\.+$/g, '') || 'image';

function renderSummary(inputs: BumpInputs, remote: Remote, result: BumpResult): string {
  const updated = result.changes.filter((c) => c.action === 'update' || c.action === 'insert');
  const outcome = result.changed
    ? inputs['dry-run']
      ? 'dry run: would commit (nothing pushed)'
      : `committed \`${result.commit?.slice(0, 12)}\` to \`${result.branch}\``
    : result.changes.some((c) => c.action === 'keep-newer')
      ? 'no change: a newer tag is already there'
      : 'no change: the tag is already set';
  const rows = [
    ['repository', remote.display],
    ['branch', result.branch === result.target ? result.target : `${result.branch} → ${result.target}`],
    ['strategy', result.strategy ?? ''],
    ['previous tag', result.previousTag ?? ''],
    ['result', outcome],
    ...(result.pullRequest ? [['pull request', result.pullRequest]] : []),
    ['attempts', String(result.attempts)],
  ];
  const lines = [
    `### bump-gitops-tag: \`${inputs.image}\` → \`${inputs.tag}\``,
    '',
    '| | |',
    '|---|---|',
    ...rows.map(([k, v]) => `| ${k} | ${v} |`),
    '',
    '| file | found by | from | to | decision |',
    '|---|---|---|---|---|',
    ...result.changes.map(
      (c) =>
        `| \`${c.file}:${c.line}\` | ${c.via} | \`${c.from ?? ''}\` | \`${c.to}\` | ${c.action}${c.reason ? ` (${c.reason})` : ''} |`,
    ),
  ];
  if (result.diff) lines.push('', '```diff', result.diff.trimEnd(), '```');
  if (updated.length === 0 && result.notes.length) lines.push('', ...result.notes.map((n) => `- ${n}`));
  return lines.join('\n');
}
