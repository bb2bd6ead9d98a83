import type { Logger } from '../../log.ts';

/** Credentials for the registry the image goes to (and the base images may come from). */
export interface RegistryLogin {
  host: string;
  username: string;
  password: string;
}

export interface BuildRequest {
  /** Absolute build context folder. */
  context: string;
  /** Absolute Dockerfile path. */
  dockerfile: string;
  /** Full references, `<host>/<repository>:<tag>`; the first is the primary one. */
  references: string[];
  buildArgs: string[];
  labels: Record<string, string>;
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
  log: Logger;
}

export interface Builder {
  readonly name: 'docker' | 'buildah';
  /** Builds, and pushes every reference when `push` is set. */
  build(request: BuildRequest): Promise<void>;
}
