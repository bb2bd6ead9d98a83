/**
 * Where the GitOps repository lives. `repository` may be empty (the repository this run belongs to),
 * `owner/name` (`group/sub/project` on GitLab) on the platform's server, a URL (https, ssh, file) or a
 * local path. A local path must be absolute or start with `./` / `../` - a bare `a/b` is `owner/name`.
 */
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { RunContext } from '../context.ts';
import { InputError, UserError } from '../errors.ts';
import { Git } from '../git/git.ts';

export interface Remote {
  /** What git clones from (local paths become file:// so that --depth is honoured). */
  url: string;
  /** For messages: the URL without any user info. */
  display: string;
  /** `owner/name` (or GitLab path) the URL names, for the pull request API. */
  repository?: string;
  /** The remote is the repository this run builds (pushing to it may trigger this very pipeline). */
  current: boolean;
  /** On the CI platform's own server (so its API and token apply). */
  sameServer: boolean;
  /**
   * Credentials that were written into the URL (`https://user:token@host/…`). They are taken out of
   * `url`, so they never reach git's argv or a log line, and are sent as a header instead.
   */
  credentials?: { username: string; password: string };
}

const URL_LIKE = /^[a-z][a-z0-9+.-]*:\/\//i;
const SCP_LIKE = /^[^/@\s]+@[^:/\s]+:/;
const OWNER_NAME = /^[\w.-]+(\/[\w.-]+)+$/;

export async function resolveRemote(input: string, context: RunContext): Promise<Remote> {
  const value = input.trim();
  const current = await currentRemote(context);
  if (!value) {
    if (!current)
      throw new UserError(
        "Cannot tell the current repository's URL: set 'repository' to the GitOps repository",
      );
    return { ...current, current: true };
  }
  if (URL_LIKE.test(value) || SCP_LIKE.test(value)) return describe(value, context, current?.url);
  if (isAbsolute(value) || value.startsWith('./') || value.startsWith('../')) {
    return describe(pathToFileURL(resolve(context.workspace, value)).href, context, current?.url);
  }
  if (OWNER_NAME.test(value)) {
    const server =
      context.serverUrl ??
      (current && /^https?:/.test(current.url) ? new URL(current.url).origin : undefined);
    if (!server) throw new InputError('repository', `'${value}' needs a server: give a full git URL instead`);
    const remote = describe(`${server.replace(/\/+$/, '')}/${value}.git`, context, current?.url);
    const isCurrent = remote.current || value.toLowerCase() === context.repository?.toLowerCase();
    return { ...remote, repository: value, current: isCurrent };
  }
  throw new InputError(
    'repository',
    `'${value}' is neither owner/name, a git URL, nor a path (local paths start with /, ./ or ../)`,
  );
}

async function currentRemote(context: RunContext): Promise<Omit<Remote, 'current'> | undefined> {
  if (context.serverUrl && context.repository) {
    return {
      ...describe(`${context.serverUrl.replace(/\/+$/, '')}/${context.repository}.git`, context),
      repository: context.repository,
    };
  }
  // The CLI: the checkout's own origin.
  const url = (await new Git(context.workspace).try(['remote', 'get-url', 'origin']))?.trim();
  if (!url) return undefined;
  const local = !URL_LIKE.test(url) && !SCP_LIKE.test(url);
  return describe(local ? pathToFileURL(resolve(context.workspace, url)).href : url, context);
}

function describe(given: string, context: RunContext, currentUrl?: string): Remote {
  let url = given;
  let display = url;
  let repository: string | undefined;
  let sameServer = false;
  let credentials: Remote['credentials'];
  if (URL_LIKE.test(url)) {
    const parsed = new URL(url);
    if (parsed.password) {
      credentials = {
        username: decodeURIComponent(parsed.username),
        password: decodeURIComponent(parsed.password),
      };
    }
    parsed.username = '';
    parsed.password = '';
    url = parsed.href;
    display = parsed.href;
    repository = repositoryPath(parsed.pathname);
    sameServer = context.serverUrl !== undefined && new URL(context.serverUrl).host === parsed.host;
  } else {
    repository = repositoryPath(url.slice(url.indexOf(':') + 1));
  }
  return {
    url,
    display,
    repository,
    current: currentUrl !== undefined && sameUrl(url, currentUrl),
    sameServer,
    ...(credentials ? { credentials } : {}),
  };
}

/** `/group/sub/project.git` → `group/sub/project` (local paths: the last two segments). */
function repositoryPath(path: string): string | undefined {
  const parts = decodeURIComponent(path)
    .replace(/\.git\/?$/, '')
    .split('/')
    .filter(Boolean);
  return parts.length >= 2 ? parts.slice(-2).join('/') : parts[0];
}

const sameUrl = (a: string, b: string) =>
  a.replace(/(\.git)?\/?$/, '').toLowerCase() === b.replace(/(\.git)?\/?$/, '').toLowerCase();
