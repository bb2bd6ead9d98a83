/**
 * The environment handed to other programs (git, docker, buildah): the runner's, without the
 * action's own inputs (`INPUT_*`, `GA_INPUT_*`, which hold tokens and passwords) and without the
 * OIDC token and its request credentials, which only this process uses.
 */
export function childEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([key]) => !PRIVATE.test(key)));
}

const PRIVATE = /^((GA_)?INPUT_|ACTIONS_ID_TOKEN_REQUEST_|GA_ID_TOKEN$|GITLAB_OIDC_TOKEN$)/;
