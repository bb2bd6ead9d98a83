import { mkdir, open, readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { KnownEnv } from '../env-vars.ts';
import { UserError } from '../errors.ts';
import { registryHost } from './hosts.ts';

export interface RegistryLogin {
  host: string;
  username: string;
  password: string;
}

/** The parts of a Docker `config.json` / containers `auth.json` that say how to authenticate. */
export interface AuthConfig {
  auths?: Record<string, Record<string, unknown>>;
  credHelpers?: Record<string, string>;
  credsStore?: string;
}

/**
 * `docker` config.json (the docker CLI, buildx) or containers `auth.json` (buildah, podman, skopeo).
 * They differ in one way that matters here: containers tools ignore `credsStore`.
 */
export type AuthFlavour = 'docker' | 'containers';

/** The docker CLI's config folder: `$DOCKER_CONFIG`, else `~/.docker`. */
export function dockerConfigDir(env: KnownEnv): string {
  return env.DOCKER_CONFIG || join(env.HOME || homedir(), '.docker');
}

/**
 * The auth files buildah reads when it is given no `--authfile`, first match winning per registry
 * (containers-auth.json(5)). `REGISTRY_AUTH_FILE` replaces them all, as it does for buildah.
 */
export function containersAuthFiles(env: KnownEnv): string[] {
  if (env.REGISTRY_AUTH_FILE) return [env.REGISTRY_AUTH_FILE];
  const home = env.HOME || homedir();
  const uid = process.getuid?.() ?? 0;
  const runtime = env.XDG_RUNTIME_DIR || `/run/containers/${uid}`;
  return [
    join(runtime, 'containers', 'auth.json'),
    join(env.XDG_CONFIG_HOME || join(home, '.config'), 'containers', 'auth.json'),
    join(dockerConfigDir(env), 'config.json'),
  ];
}

/** Reads an auth file; a missing one is empty. A broken one is the user's to fix, so it is named. */
export async function readAuthFile(path: string): Promise<AuthConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw error;
  }
  if (!text.trim()) return {};
  try {
    const parsed = JSON.parse(text) as unknown;
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as AuthConfig;
  } catch {
    // Reported below.
  }
  throw new UserError(`${path} is not a JSON object: fix or remove it (it holds registry logins)`);
}

/**
 * The user's credentials for a private config: `auths`, `credHelpers` and (docker only) `credsStore`
 * from `configs`, earlier configs winning per registry, with every entry for `ours` (the hosts this
 * run logs in to) taken out, so our login replaces it instead of going to the user's helper.
 * For docker, an empty `credHelpers` entry pins our host to the file store even under `credsStore`.
 */
export function userCredentials(configs: AuthConfig[], ours: string[], flavour: AuthFlavour): AuthConfig {
  const owned = new Set(ours.map(keyHost));
  const isOurs = (key: string) => owned.has(keyHost(key));
  const auths: NonNullable<AuthConfig['auths']> = {};
  const credHelpers: NonNullable<AuthConfig['credHelpers']> = {};
  const seen = new Set<string>();
  for (const config of configs) {
    for (const [key, entry] of Object.entries(config.auths ?? {})) {
      const host = keyHost(key);
      if (isOurs(key) || seen.has(`a:${host}`) || !entry || typeof entry !== 'object') continue;
      seen.add(`a:${host}`);
      auths[key] = entry;
    }
    for (const [key, helper] of Object.entries(config.credHelpers ?? {})) {
      if (isOurs(key) || key in credHelpers || typeof helper !== 'string') continue;
      credHelpers[key] = helper;
    }
  }
  const result: AuthConfig = { auths };
  const credsStore = configs.find((config) => typeof config.credsStore === 'string')?.credsStore;
  if (flavour === 'docker') {
    if (credsStore) result.credsStore = credsStore;
    if (credsStore || configs.some((c) => Object.keys(c.credHelpers ?? {}).some(isOurs))) {
      for (const host of owned) credHelpers[host] = '';
    }
  }
  if (Object.keys(credHelpers).length) result.credHelpers = credHelpers;
  return result;
}

/** The registry an auth key names, as docker matches them: `https://index.docker.io/v1/` → `index.docker.io`. */
function keyHost(key: string): string {
  return registryHost(key).split('/')[0]!.toLowerCase();
}

/** Adds `logins` to `config.auths` (replacing any entry for the same host). */
export function withLogins(config: AuthConfig, logins: RegistryLogin[]): AuthConfig {
  const hosts = logins.map((login) => keyHost(login.host));
  const auths = Object.fromEntries(
    Object.entries(config.auths ?? {}).filter(([key]) => !hosts.includes(keyHost(key))),
  );
  for (const login of logins) {
    auths[registryHost(login.host)] = {
      auth: Buffer.from(`${login.username}:${login.password}`).toString('base64'),
    };
  }
  return { ...config, auths };
}

/**
 * Writes an auth file (config.json / auth.json) readable by the owner only. Every file that holds
 * registry credentials is written here.
 */
export async function writeAuthFile(path: string, config: AuthConfig): Promise<void> {
  await writePrivateFile(path, `${JSON.stringify(config, null, 2)}\n`);
}

/**
 * Writes `<dir>/config.json` in Docker's format with `logins` on top of `user` (see
 * `userCredentials`), readable by the owner only, and returns its path. Point `DOCKER_CONFIG=<dir>`
 * (docker) or `--authfile <path>` (buildah, skopeo, helm) at it: no password goes on a command line.
 */
export async function writeDockerConfig(
  dir: string,
  logins: RegistryLogin | RegistryLogin[],
  user: AuthConfig = {},
): Promise<string> {
  const path = join(dir, 'config.json');
  await writeAuthFile(path, withLogins(user, Array.isArray(logins) ? logins : [logins]));
  return path;
}

/** Writes a file only its owner can read, in a folder only its owner can enter. */
export async function writePrivateFile(path: string, content: string | Buffer): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const file = await open(path, 'w', 0o600);
  try {
    // The open mode only applies to a new file: tighten an existing one before the secret goes in.
    await file.chmod(0o600);
    await file.writeFile(content);
  } finally {
    await file.close();
  }
}

/**
 * The user's own `auth` login for a registry (`docker login`, docker/login-action, `buildah
 * login`), from the files buildah or docker would read, to read back what was pushed there.
 * Credential helpers are not run: undefined then, and the registry is asked anonymously.
 */
export async function userLogin(
  host: string,
  env: NodeJS.ProcessEnv,
): Promise<{ username: string; password: string } | undefined> {
  const files = [...containersAuthFiles(env), join(dockerConfigDir(env), 'config.json')];
  for (const file of files) {
    const config = await readAuthFile(file);
    for (const [key, entry] of Object.entries(config.auths ?? {})) {
      if (keyHost(key) !== keyHost(host) || typeof entry?.auth !== 'string') continue;
      const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon > 0) return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
    }
  }
  return undefined;
}
