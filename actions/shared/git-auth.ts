/**
 * How an action hands git a token: scoped to one host, never in argv, the URL or the child's
 * environment as a raw input. Used by every action that runs git against a remote.
 */

import type { RunContext } from '../../src/core/context.ts';
import { type GitAuth, gitEnv } from '../../src/core/git/env.ts';
import type { Logger } from '../../src/core/log.ts';
import { childEnv } from '../../src/core/util/env.ts';
import type { RunArgs } from '../../src/definition.ts';

/** Token shapes GitHub issues (installation, personal, OAuth, user-to-server, fine-grained). */
const PLATFORM_TOKEN = /^(ghs_|ghp_|gho_|ghu_|github_pat_)/;

/**
 * The CI platform's own tokens (GitHub's, the GitLab job token) only ever go to that platform's
 * server: with a remote elsewhere, the default `${{ github.token }}` must not leave GitHub.
 */
export function mayReceive(url: string, token: string, context: RunContext, log: Logger): boolean {
  if (!/^https?:\/\//i.test(url) || !context.serverUrl) return true;
  const platformToken = PLATFORM_TOKEN.test(token) || token === context.token;
  if (!platformToken || new URL(url).host === new URL(context.serverUrl).host) return true;
  log.warning(
    `Not sending the ${context.platform} token to ${new URL(url).host}: pass a token for that host in 'token'`,
  );
  return false;
}

/** Basic-auth user for the token: what each platform's git server expects. */
export function auth(token: string, context: RunContext): GitAuth {
  if (context.platform === 'gitlab')
    return { token, username: token === context.token ? 'gitlab-ci-token' : 'oauth2' };
  return { token, username: 'x-access-token' };
}

/**
 * Everything above at once: git's environment for `url`, with `token` as a header only when that
 * host may receive it. The header's base64 form is masked too (git can trace it).
 */
export function gitEnvFor(
  url: string,
  token: string,
  args: Pick<RunArgs<unknown>, 'context' | 'log' | 'mask'>,
  username?: string,
): NodeJS.ProcessEnv {
  const credentials =
    token && mayReceive(url, token, args.context, args.log)
      ? { ...auth(token, args.context), ...(username ? { username } : {}) }
      : undefined;
  if (credentials) args.mask(Buffer.from(`${credentials.username}:${credentials.token}`).toString('base64'));
  return gitEnv(childEnv(process.env), url, credentials);
}
