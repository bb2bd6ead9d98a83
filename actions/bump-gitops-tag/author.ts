/**
 * Who authors the bump commit when `author-name` / `author-email` are not given: on GitHub the
 * Actions bot, on GitLab the token's own (bot) user when the API names it, on the CLI git's
 * configured user. The defaults themselves live in the definition.
 */
import type { RunContext } from '../../src/core/context.ts';
import { InputError } from '../../src/core/errors.ts';
import { Git } from '../../src/core/git/git.ts';
import { GitLabApi } from '../../src/core/gitlab/api.ts';
import type { Logger } from '../../src/core/log.ts';
import { definition, gitlabFallbackAuthor } from './definition.ts';

export interface Author {
  name: string;
  email: string;
}

export async function commitAuthor(
  given: Author,
  context: RunContext,
  token: string,
  log: Logger,
): Promise<Author> {
  if (given.name && given.email) return given;
  const fallback = await defaultAuthor(context, token, log);
  return { name: given.name || fallback.name, email: given.email || fallback.email };
}

async function defaultAuthor(context: RunContext, token: string, log: Logger): Promise<Author> {
  if (context.platform === 'github') {
    const { inputs } = definition;
    return { name: inputs['author-name'].githubDefault, email: inputs['author-email'].githubDefault };
  }
  if (context.platform === 'gitlab')
    return (await tokenUser(context, token, log)) ?? gitlabFallbackAuthor(context);
  const git = new Git(context.workspace);
  const name = (await git.try(['config', 'user.name']))?.trim();
  const email = (await git.try(['config', 'user.email']))?.trim();
  if (!name || !email) {
    throw new InputError(
      'author-name',
      "is not given and git has no user.name/user.email configured: set them (git config) or pass 'author-name' and 'author-email'",
    );
  }
  return { name, email };
}

interface GitLabUser {
  id: number;
  username: string;
  name: string;
  email?: string;
  commit_email?: string;
  bot?: boolean;
}

/** GET /user with a personal, project or group access token; the job token cannot ask. */
async function tokenUser(context: RunContext, token: string, log: Logger): Promise<Author | undefined> {
  if (!token || !context.apiUrl || token === context.token) return undefined;
  try {
    const user = await new GitLabApi({ apiUrl: context.apiUrl, token, logger: log }).request<GitLabUser>(
      'GET',
      '/user',
    );
    const host = new URL(context.serverUrl ?? context.apiUrl).hostname;
    // GitLab's own no-reply form when the user's address is not visible to the token.
    const email = user.commit_email || user.email || `${user.id}-${user.username}@users.noreply.${host}`;
    return { name: user.name || user.username, email };
  } catch (error) {
    log.info(`Cannot tell the token's user (${(error as Error).message}); using the default author`);
    return undefined;
  }
}
