/**
 * Skip tokens: a commit whose message carries one starts no push pipeline
 * (docs/design/gitops-bump.md#which-pushes-start-pipelines).
 * GitHub: `[skip ci]`, `[ci skip]`, `[no ci]`, `[skip actions]`, `[actions skip]`, or a closing
 * `skip-checks: true` trailer. GitLab: `[skip ci]` / `[ci skip]`, any capitalisation.
 * GitHub's capitalisation rules are undocumented: we accept only the lower-case forms there, so a
 * doubtful message is reported rather than silently trusted.
 */
import type { CiPlatform } from './model.ts';

const GITHUB = /\[(skip ci|ci skip|no ci|skip actions|actions skip)\]/;
const GITHUB_TRAILER = /\n[ \t]*\n+skip-checks: ?true\s*$/;
const GITLAB = /\[(skip ci|ci skip)\]/i;

export function skipToken(message: string, platform: CiPlatform): string | undefined {
  if (platform === 'gitlab') return GITLAB.exec(message)?.[0];
  return GITHUB.exec(message)?.[0] ?? (GITHUB_TRAILER.test(message) ? 'skip-checks: true' : undefined);
}
