/** What a locate strategy returns: the scalars that hold the image's tag, and entries to add. */
import type { PolicyIndex } from './manifests.ts';
import type { Edit, ScalarSite, YamlFile } from './yaml-file.ts';

export type StrategyName = 'setters' | 'helmrelease' | 'kustomize' | 'yaml-path';

export interface Target {
  file: YamlFile;
  site: ScalarSite;
  /** `tag`: the scalar is the tag; `ref`: a whole `name:tag[@digest]` whose tag we set. */
  form: 'tag' | 'ref';
  /** The tag in the file now (undefined: a reference without tag). */
  currentTag?: string;
  /** For `ref`: the name as written in the file (kept, so `nginx:1` stays short). */
  refName?: string;
  /** ImagePolicy `ns:name` governing the value (setter markers). */
  policy?: string;
  /** How it was found, for logs and the summary. */
  via: string;
}

/** A value that does not exist yet (kustomize `newTag` or a new `images[]` entry). */
export interface Insertion {
  file: YamlFile;
  edit: Edit;
  line: number;
  via: string;
}

export interface Location {
  strategy: StrategyName;
  targets: Target[];
  insertions: Insertion[];
  /** Findings worth telling the user when nothing matched (e.g. unresolvable markers). */
  notes: string[];
}

export interface LocateInput {
  files: YamlFile[];
  image: string;
  /** ImagePolicies / ImageRepositories from the files and the rest of the checkout. */
  policies: PolicyIndex;
}

export const emptyLocation = (strategy: StrategyName): Location => ({
  strategy,
  targets: [],
  insertions: [],
  notes: [],
});
