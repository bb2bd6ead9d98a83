/** A bump-gitops-tag step (GitHub) or component/job (GitLab) as a writer of this repository. */
import { BUMP_DEFAULT_FILES, commitMessage } from '../gitops/bump-defaults.ts';
import { globListMatcher } from '../glob/match.ts';
import { splitGlobs } from '../glob/rule.ts';
import { globSamples } from '../paths/glob.ts';
import type { CiEffect, CiPlatform, CiScan, Location, Note, RepoView, Writer } from './model.ts';
import { skipToken } from './skip.ts';

export interface BumpConfig {
  platform: CiPlatform;
  where: Location;
  /** Raw input values as written in the CI file (undefined = not given). */
  files?: string[];
  token?: string;
  message?: string;
  branch?: string;
  mode?: string;
  repository?: string;
  dryRun?: string;
}

/** The settings of a bump step, read by input name from wherever the CI file keeps them. */
export function bumpSettings(
  input: (name: string) => string | undefined,
): Pick<BumpConfig, 'token' | 'message' | 'branch' | 'mode' | 'repository' | 'dryRun'> {
  return {
    token: input('token'),
    message: input('commit-message'),
    branch: input('branch'),
    mode: input('mode'),
    repository: input('repository'),
    dryRun: input('dry-run'),
  };
}

const GITHUB_TOKEN = /^\$\{\{\s*(github\.token|secrets\.GITHUB_TOKEN)\s*\}\}$/i;
const CURRENT_REPO = /^(\$\{\{\s*github\.repository\s*\}\}|\$\{?CI_PROJECT_PATH\}?)$/;
const JOB_TOKEN = /^\$\{?CI_JOB_TOKEN\}?$/;
const MAX_REAL_SAMPLES = 200;

/** Adds a bump step to the scan: as a writer, or as the note saying why it writes nothing here. */
export async function addBumpWriter(scan: CiScan, view: RepoView, config: BumpConfig): Promise<void> {
  const result = bumpWriter(config, await view.files());
  if ('writes' in result) scan.writers.push(result);
  else scan.notes.push(result);
}

/** The writer, or a note saying why this step writes nothing here. `files`: the repository's files. */
export function bumpWriter(config: BumpConfig, files: readonly string[]): Writer | Note {
  const at = `${config.where.file}${config.where.line ? `:${config.where.line}` : ''}`;
  if (config.dryRun?.trim() === 'true') {
    return {
      level: 'info',
      message: `bump-gitops-tag at ${at} runs with dry-run: it writes nothing`,
      where: config.where,
    };
  }
  const repository = config.repository?.trim();
  if (repository && !CURRENT_REPO.test(repository)) {
    return {
      level: 'info',
      message: `bump-gitops-tag at ${at} writes to ${repository}, not this repository`,
      where: config.where,
    };
  }
  const globs = config.files && config.files.length > 0 ? config.files : [...BUMP_DEFAULT_FILES];
  // The bump's own file selection (`!` excludes, dotfiles match): what it can write, no more.
  const writes = globListMatcher(globs);
  const real = files.filter(writes).slice(0, MAX_REAL_SAMPLES);
  const samples = [...new Set([...real, ...globSamples(globs)])];
  const branch = config.branch?.trim() || undefined;
  return {
    kind: 'bump-gitops-tag',
    label: `bump-gitops-tag ${config.platform === 'github' ? 'step' : 'job'} at ${at} (files ${globs.join(', ')})`,
    where: config.where,
    branch,
    onDefaultBranch: !branch,
    message: config.message?.trim() || undefined,
    writes,
    samples: samples.length > 0 ? samples : splitGlobs(globs).includes,
    ci: { [config.platform]: bumpEffect(config) },
  };
}

/** Whether this bump's commits start pipelines; `why` reads as a clause ("it pushes with …"). */
function bumpEffect(config: BumpConfig): CiEffect {
  const { platform } = config;
  if (config.mode?.trim() === 'pull-request') {
    return {
      starts: true,
      why: 'it opens pull requests, and each merge of one is a push that starts pipelines',
    };
  }
  const message = config.message?.trim();
  const token = config.token?.trim();
  // A push-mode bump of this repository (the only kind that gets here) has the default message
  // with the skip token: the very message the action writes, so the two cannot drift apart.
  const skip = skipToken(message || commitMessage({ image: 'image', tag: 'tag', skipCi: true }), platform);
  const quiet = platform === 'github' ? GITHUB_TOKEN : JOB_TOKEN;
  const tokenStarts = Boolean(token) && !quiet.test(token!);
  const runs = platform === 'github' ? 'workflow runs' : 'pipelines';
  const tokenWhy = tokenStarts
    ? `it pushes with ${token}, whose pushes start ${runs}`
    : `it pushes with ${platform === 'github' ? 'github.token' : 'CI_JOB_TOKEN'}, whose pushes start no ${runs}`;
  if (skip) {
    return {
      starts: false,
      why: `its ${message ? '' : 'default '}commit message carries ${skip} (and ${tokenWhy})`,
    };
  }
  return {
    starts: tokenStarts,
    why: tokenStarts ? `${tokenWhy} and its commit message has no skip token` : tokenWhy,
  };
}
