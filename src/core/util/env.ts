/**
 * The environment other programs (git, docker, buildah) get: the caller's, minus
 * - the action's own inputs (`INPUT_*`, `GA_INPUT_*`: tokens and passwords) and the OIDC token and
 *   its request credentials, which only this process uses;
 * - the variables that configure container programs behind our back (`REGISTRY_*`, `DOCKER_*`,
 *   `BUILDAH_*`): docker-registry reads every `REGISTRY_*` as configuration, `DOCKER_CONTENT_TRUST`
 *   or `BUILDAH_FORMAT` would change what is pushed. A builder names the few it honours (`meant`),
 *   such as DOCKER_HOST for docker or BUILDAH_ISOLATION for buildah.
 */
export function childEnv(
  env: NodeJS.ProcessEnv = process.env,
  meant: readonly string[] = [],
): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(env).filter(
      ([key]) => !PRIVATE.test(key) && (!PROGRAM_CONFIG.test(key) || meant.includes(key)),
    ),
  );
}

const PRIVATE = /^((GA_)?INPUT_|ACTIONS_ID_TOKEN_REQUEST_|GA_ID_TOKEN$|GITLAB_OIDC_TOKEN$)/;
const PROGRAM_CONFIG = /^(REGISTRY_|DOCKER_|BUILDAH_)/;
