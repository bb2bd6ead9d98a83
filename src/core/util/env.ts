import { PRIVATE_ENV, PROGRAM_CONFIG_ENV } from '../env-vars.ts';

/**
 * The environment other programs (git, docker, buildah) get: the caller's, minus
 * - the action's own inputs (`INPUT_*`, `GA_INPUT_*`: tokens and passwords) and the OIDC token and
 *   its request credentials, which only this process uses;
 * - the variables that configure container programs behind our back (`REGISTRY_*`, `DOCKER_*`,
 *   `BUILDAH_*`): docker-registry reads every `REGISTRY_*` as configuration, `DOCKER_CONTENT_TRUST`
 *   or `BUILDAH_FORMAT` would change what is pushed. A builder names the few it honours (`meant`),
 *   such as DOCKER_HOST for docker or BUILDAH_ISOLATION for buildah.
 * Both sets are marked in the variable registry (src/core/env-vars.ts).
 */
export function childEnv(
  env: NodeJS.ProcessEnv = process.env,
  meant: readonly string[] = [],
): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(env).filter(
      ([key]) => !PRIVATE_ENV.test(key) && (!PROGRAM_CONFIG_ENV.test(key) || meant.includes(key)),
    ),
  );
}
