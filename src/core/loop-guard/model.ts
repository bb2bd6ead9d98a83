/** The loop guard's vocabulary: who writes which paths, and which build triggers fire on them. */

export type CiPlatform = 'github' | 'gitlab';

export interface Location {
  file: string;
  line?: number;
}

/** Whether a writer's commits start pipelines on a platform, and why we think so. */
export interface CiEffect {
  starts: boolean;
  why: string;
}

/** Something that commits files into this repository without a person: Flux, a bump step, … */
export interface Writer {
  kind: 'flux' | 'bump-gitops-tag' | 'marker' | 'input';
  label: string;
  where?: Location;
  /** Branch its commits land on, when known. */
  branch?: string;
  /** Its commits land on the default branch (name possibly unknown). */
  onDefaultBranch?: boolean;
  /** Its commit message, when known (GitLab `if:` rules may test it). */
  message?: string;
  writes(path: string): boolean;
  /** Example paths it writes: real files first, then examples made from its globs. Never empty. */
  samples: string[];
  /** Platforms whose pipelines see its commits; absent = that platform never sees them. */
  ci: Partial<Record<CiPlatform, CiEffect>>;
}

/** Why a trigger fires for a commit, and the line to blame. */
export interface Firing {
  where: Location;
  why: string;
}

export interface PushFacts {
  path: string;
  branch?: string;
  onDefaultBranch?: boolean;
  defaultBranch?: string;
  message?: string;
}

/** A build (workflow or job) that a push can start. */
export interface BuildTrigger {
  platform: CiPlatform;
  label: string;
  where: Location;
  /** Example paths made from its positive globs. */
  samples: string[];
  /** Undefined when a push of a commit changing only `facts.path` would not start the build. */
  firesOn(facts: PushFacts): Firing | undefined;
}

/** What a scan of CI configuration found. */
export interface CiScan {
  triggers: BuildTrigger[];
  writers: Writer[];
  notes: Note[];
}

export interface Note {
  level: 'info' | 'warning';
  message: string;
  where?: Location;
}

/** The repository as the guard sees it: its files (repo-relative) and a way to read them. */
export interface RepoView {
  /** The YAML files (`isYamlName`): all the scans read. */
  yamlFiles(): Promise<readonly string[]>;
  /**
   * Every file. A monorepo checkout holds 100k of them: only the questions that need them all ask
   * (`exists:` rules, the samples of a bump step or of `gitops-paths`, Flux's folder lookup).
   */
  files(): Promise<readonly string[]>;
  read(path: string): Promise<string | undefined>;
  /** URL of the remote, to tell whether a Flux GitRepository is this repository. */
  remoteUrl?: string;
  defaultBranch?: string;
}

export function underDir(dir: string, path: string): boolean {
  return dir === '' || path === dir || path.startsWith(`${dir}/`);
}
