/**
 * Variables that configure container programs, set to nonsense: a run must not be steered by
 * them. The ones a builder honours on purpose (DOCKER_HOST for docker; BUILDAH_ISOLATION and
 * REGISTRY_AUTH_FILE for buildah) get values that are harmless where they are honoured: a missing
 * auth file means no logins, and BUILDAH_ISOLATION is left to the test's buildah setup.
 */
export const HOSTILE_ENV: Record<string, string> = {
  REGISTRY_AUTH_FILE: '/nonexistent/registry-auth.json',
  REGISTRY_HTTP_ADDR: 'nonsense:99999',
  REGISTRY_STORAGE: 'nonsense',
  REGISTRY_AUTH: 'nonsense',
  REGISTRY_LOG_LEVEL: 'nonsense',
  DOCKER_HOST: 'tcp://nonsense.invalid:1',
  DOCKER_CONTENT_TRUST: '1',
  DOCKER_DEFAULT_PLATFORM: 'nonsense/arch',
  DOCKER_BUILDKIT: 'nonsense',
  BUILDAH_FORMAT: 'nonsense',
  BUILDAH_LAYERS: 'nonsense',
  BUILDAH_HISTORY: 'nonsense',
  BUILDAH_RUNTIME: '/nonexistent/runtime',
};
