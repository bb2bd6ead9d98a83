export interface GitAuth {
  token: string;
  /** Basic-auth user: `x-access-token` (GitHub), `gitlab-ci-token` (CI_JOB_TOKEN), `oauth2` (GitLab tokens). */
  username: string;
}

/**
 * Environment for git: no prompts, and for an http(s) remote with a token an `http.<origin>/.extraHeader`
 * passed through GIT_CONFIG_COUNT/KEY/VALUE, so the token is in neither argv, the URL nor a file, and is
 * only sent to that origin.
 */
export function gitEnv(base: NodeJS.ProcessEnv, url: string, auth?: GitAuth): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base, GIT_TERMINAL_PROMPT: '0', GIT_PROTOCOL: 'version=2' };
  if (!auth?.token || !/^https?:\/\//i.test(url)) return env;
  const origin = new URL(url).origin;
  const basic = Buffer.from(`${auth.username}:${auth.token}`).toString('base64');
  const entries: [string, string][] = [
    // An empty helper list: a stored credential must not override the token we were given.
    ['credential.helper', ''],
    [`http.${origin}/.extraHeader`, `Authorization: Basic ${basic}`],
  ];
  let count = Number(env.GIT_CONFIG_COUNT ?? 0) || 0;
  for (const [key, value] of entries) {
    env[`GIT_CONFIG_KEY_${count}`] = key;
    env[`GIT_CONFIG_VALUE_${count}`] = value;
    count++;
  }
  env.GIT_CONFIG_COUNT = String(count);
  return env;
}
