import type { Logger } from '../../log.ts';

/** Credentials for the registry the image goes to (and the base images may come from). */
export interface RegistryLogin {
  host: string;
  username: string;
  password: string;
}

/**
 * A build secret, mounted with `RUN --mount=type=secret,id=<id>`; never a build argument, so it
 * stays out of argv, logs and image history. `value` comes from the environment variable `env`.
 */
export type BuildSecret = { id: string; env: string; value: string } | { id: string; file: string };

export interface BuildRequest {
  /** Absolute build context folder. */
  context: string;
  /** Absolute Dockerfile path. */
  dockerfile: string;
  /** Full references, `<host>/<repository>:<tag>`; the first is the primary one. */
  references: string[];
  /** `NAME=value` lines; values are hidden in the logged command line. */
  buildArgs: string[];
  secrets: BuildSecret[];
  labels: Record<string, string>;
  /** Manifest annotations (OCI); the classic `docker build` cannot set them. */
  annotations: Record<string, string>;
  target?: string;
  platforms: string[];
  push: boolean;
  /** Registry cache location (a full image reference), or undefined for no cache. */
  cache?: string;
  /** Unix seconds for image and layer timestamps, so a rebuild of a commit reproduces it. */
  timestamp?: number;
  login?: RegistryLogin;
  /** Talk plain HTTP to the registry (loopback registries, as docker does). */
  insecure: boolean;
  /** Scratch folder for the builder's own config (auth files); removed by the caller. */
  workDir: string;
  /**
   * The environment of the user's step, scrubbed to the builder's `meantEnv`: the programs inherit
   * it, and the user's own registry logins and docker/buildx setup are found from it
   * (DOCKER_CONFIG, REGISTRY_AUTH_FILE, HOME, …).
   */
  env: NodeJS.ProcessEnv;
  log: Logger;
}

export interface Builder {
  readonly name: 'docker' | 'buildah';
  /**
   * The `REGISTRY_*`/`DOCKER_*`/`BUILDAH_*` variables of the user's environment this builder
   * honours; every other one is kept from it (see childEnv).
   */
  readonly meantEnv: readonly string[];
  /** Builds, and pushes every reference when `push` is set. */
  build(request: BuildRequest): Promise<void>;
}
