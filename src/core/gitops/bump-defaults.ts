/**
 * bump-gitops-tag's defaults, defined once. The action's definition, its commit step and the loop
 * guard (which judges bump steps it finds in CI files by these same defaults) all read them here,
 * so the guard can never reason about a default the bump no longer has.
 */
import { parseList } from '../util/list.ts';

/** The `files` input: globs one per line (whole lines: a comma belongs to a brace glob). */
export const BUMP_FILES_INPUT = { default: 'deploy/**/*.yaml', multiline: true } as const;

/** A `files` value as the action reads it. */
export function parseBumpFiles(text: string): string[] {
  return parseList(text, BUMP_FILES_INPUT.multiline);
}

export const BUMP_DEFAULT_FILES: readonly string[] = parseBumpFiles(BUMP_FILES_INPUT.default);

/** Both GitHub and GitLab start no push pipeline for a commit whose message carries this. */
const SKIP_CI_TOKEN = '[skip ci]';

/**
 * The commit message: the default subject (with the skip token when asked for) or the user's own,
 * and always the `GitOps-Bump:` trailer that names the bump.
 */
export function commitMessage(options: {
  image: string;
  tag: string;
  custom?: string;
  skipCi: boolean;
}): string {
  const trailer = `GitOps-Bump: ${options.image}:${options.tag}`;
  if (options.custom?.trim()) {
    const custom = options.custom.trim();
    return custom.includes('GitOps-Bump:') ? `${custom}\n` : `${custom}\n\n${trailer}\n`;
  }
  const subject = `chore(deploy): update ${options.image} to ${options.tag}${options.skipCi ? ` ${SKIP_CI_TOKEN}` : ''}`;
  return `${subject}\n\n${trailer}\n`;
}
