/**
 * A commit's files read and a new commit written straight from git's object store, without a work
 * tree or an index. In a tree-less partial clone only the trees along the way to the edited folders
 * (and those folders in full) are fetched, so the cost follows what those folders hold, not what the
 * repository holds; folders elsewhere stay as the object ids their parent tree names.
 */
import { createHash } from 'node:crypto';
import type { Git } from '../git/git.ts';

/** One record of `git ls-tree`: `<mode> <type> <oid>\t<path>`. */
export interface TreeEntry {
  mode: string;
  type: string;
  oid: string;
  path: string;
}

/** What a bump reads of one commit. */
export interface Snapshot {
  commit: string;
  /** Regular files (symlinks and submodules are never edited), full paths. */
  files: TreeEntry[];
  /** Object id of every folder read on the way ('' = the root). */
  folders: Map<string, string>;
  /** The entries of those folders, by folder (what a new tree for the folder starts from). */
  children: Map<string, TreeEntry[]>;
}

/** Collects ls-tree records into a snapshot. */
class SnapshotBuilder {
  readonly files: TreeEntry[] = [];
  readonly folders = new Map<string, string>();
  readonly children = new Map<string, TreeEntry[]>();

  constructor(
    readonly commit: string,
    root: string,
  ) {
    this.folders.set('', root);
  }

  add(entries: TreeEntry[]): void {
    for (const entry of entries) {
      const parent = entry.path.includes('/') ? entry.path.slice(0, entry.path.lastIndexOf('/')) : '';
      const siblings = this.children.get(parent);
      if (siblings) siblings.push(entry);
      else this.children.set(parent, [entry]);
      if (entry.type === 'tree') this.folders.set(entry.path, entry.oid);
      else if (isRegularFile(entry)) this.files.push(entry);
    }
  }

  done(): Snapshot {
    return { commit: this.commit, files: this.files, folders: this.folders, children: this.children };
  }
}

/** Records of `git ls-tree -z` (paths prefixed with `base/` when given). */
export function parseTree(out: string, base = ''): TreeEntry[] {
  const entries: TreeEntry[] = [];
  for (const record of out.split('\0')) {
    const tab = record.indexOf('\t');
    if (tab < 0) continue;
    const [mode = '', type = '', oid = ''] = record.slice(0, tab).split(' ');
    const name = record.slice(tab + 1);
    entries.push({ mode, type, oid, path: base ? `${base}/${name}` : name });
  }
  return entries;
}

const isRegularFile = (e: TreeEntry) => e.type === 'blob' && (e.mode === '100644' || e.mode === '100755');

const depthOf = (folder: string) => (folder === '' ? 0 : folder.split('/').length);

/** The folders above `folder`, root ('') first, `folder` excluded. */
export function ancestors(folder: string): string[] {
  const parts = folder.split('/');
  return parts.map((_, i) => parts.slice(0, i).join('/'));
}

/** A commit and its root tree's id. */
export interface CommitRef {
  commit: string;
  tree: string;
}

/**
 * The commit `rev` names and its root tree's id, read from the commit object (peeling `^{tree}`
 * would read the tree itself, which a tree-less clone fetches with every tree below it). undefined
 * when `rev` names no commit.
 */
export async function readCommit(git: Git, rev: string): Promise<CommitRef | undefined> {
  const out = await git.run(['cat-file', '--batch'], `${rev}^{commit}\n`);
  const match = /^([0-9a-f]+) commit \d+\ntree ([0-9a-f]+)\n/.exec(out);
  return match ? { commit: match[1]!, tree: match[2]! } : undefined;
}

/** Every regular file of the commit (all objects are local: a full clone). */
export async function wholeSnapshot(git: Git, { commit, tree }: CommitRef): Promise<Snapshot> {
  const snapshot = new SnapshotBuilder(commit, tree);
  snapshot.add(parseTree(await git.run(['ls-tree', '-r', '-t', '-z', '--full-tree', commit])));
  return snapshot.done();
}

/**
 * What a sparse checkout in cone mode of `cone` would hold: the files directly in the root and in
 * each folder above a cone folder, and everything under the cone folders. In a tree-less clone the
 * folders above are fetched one level per request (only the trees themselves), then the cone folders
 * with all they hold and the files beside them in one request. A lazy fetch would do worse: git asks
 * for a missing tree with every tree below it, that is every folder of the repository for the root.
 */
export async function coneSnapshot(
  git: Git,
  { commit, tree }: CommitRef,
  cone: string[],
  fetch: (oids: string[], withContent: boolean) => Promise<void>,
): Promise<Snapshot> {
  const snapshot = new SnapshotBuilder(commit, tree);
  const { folders } = snapshot;
  const above = [...new Set(cone.flatMap(ancestors))];
  const deepest = Math.max(...above.map(depthOf));
  for (let depth = 0; depth <= deepest; depth++) {
    const level = above.filter((f) => depthOf(f) === depth && folders.has(f));
    await fetch(
      level.map((f) => folders.get(f)!),
      false,
    );
    for (const f of level) {
      const listing = parseTree(await git.run(['ls-tree', '-z', folders.get(f)!]), f);
      // Cone mode holds the files directly in each folder above a cone folder.
      snapshot.add(listing);
      if (!snapshot.children.has(f)) snapshot.children.set(f, []);
    }
  }
  const present = cone.filter((f) => folders.get(f) !== undefined);
  const beside = snapshot.files.map((f) => f.oid);
  await fetch([...present.map((f) => folders.get(f)!), ...beside], true);
  if (present.length) {
    const listing = await git.run([
      '--literal-pathspecs',
      'ls-tree',
      '-r',
      '-t',
      '-z',
      '--full-tree',
      commit,
      '--',
      ...present,
    ]);
    // With -t the listing repeats the cone folders and the folders above them: those were read already.
    snapshot.add(parseTree(listing).filter((e) => present.some((f) => e.path.startsWith(`${f}/`))));
  }
  return snapshot.done();
}

/** Contents of these blobs as UTF-8, by object id, in one `git cat-file --batch`. */
export async function readBlobs(git: Git, oids: string[]): Promise<Map<string, string>> {
  const texts = new Map<string, string>();
  if (oids.length === 0) return texts;
  const out = await git.runBytes(['cat-file', '--batch'], `${oids.join('\n')}\n`);
  let at = 0;
  while (at < out.length) {
    const eol = out.indexOf(10, at);
    if (eol < 0) break;
    const [oid = '', type = '', size = ''] = out.subarray(at, eol).toString('utf8').split(' ');
    if (type === 'missing' || !/^\d+$/.test(size)) throw new Error(`object ${oid} is missing`);
    const start = eol + 1;
    const end = start + Number(size);
    texts.set(oid, out.subarray(start, end).toString('utf8'));
    at = end + 1; // the newline after each object's content
  }
  return texts;
}

/**
 * A commit on `base` whose files at these paths hold the given text: new blobs, then new trees for
 * the folders along the paths, then the commit. The trees are all written by one `git mktree
 * --batch`: a parent names its new subfolder by id, so the ids are computed here first (what git
 * computes: the hash of the tree object), and mktree's answer must match. `--missing`: folders a
 * tree-less clone never fetched keep their ids. File modes stay as they were.
 */
export async function writeCommit(
  git: Git,
  base: Snapshot,
  changes: Map<string, string>,
  commitArgs: { config: string[]; message: string },
): Promise<string> {
  const modes = new Map(base.files.map((f) => [f.path, f.mode]));
  const replaced = new Map<string, { mode: string; type: string; oid: string }>();
  await Promise.all(
    [...changes].map(async ([path, text]) => {
      const mode = modes.get(path);
      if (!mode) throw new Error(`${path} is not a file of ${base.commit}`);
      const oid = (await git.run(['hash-object', '-w', '--stdin'], text)).trim();
      replaced.set(path, { mode, type: 'blob', oid });
    }),
  );
  const touched = [...new Set([...changes.keys()].flatMap((path) => ancestors(path)))];
  touched.sort((a, b) => depthOf(b) - depthOf(a)); // deepest first: a parent needs its children's ids
  const batch: string[] = [];
  const expected: string[] = [];
  for (const folder of touched) {
    const read = base.children.get(folder);
    if (!read) throw new Error(`folder '${folder}' of ${base.commit} was not read`);
    const entries = read.map((e) => ({
      ...e,
      ...replaced.get(e.path),
      name: e.path.slice(folder ? folder.length + 1 : 0),
    }));
    batch.push(entries.map((e) => `${e.mode} ${e.type} ${e.oid}\t${e.name}\0`).join(''));
    const oid = treeId(entries);
    expected.push(oid);
    replaced.set(folder, { mode: '040000', type: 'tree', oid });
  }
  const written = (await git.run(['mktree', '-z', '--missing', '--batch'], batch.join('\0')))
    .split('\n')
    .filter(Boolean);
  if (written.join() !== expected.join()) {
    throw new Error(`git wrote trees ${written.join(', ')}, expected ${expected.join(', ')}`);
  }
  const tree = replaced.get('')!.oid;
  return (
    await git.run(
      [...commitArgs.config, 'commit-tree', tree, '-p', base.commit],
      tidyMessage(commitArgs.message),
    )
  ).trim();
}

/**
 * A tree object's id: entries `<mode> <name>\0<raw id>` in git's order (a folder sorts as if its
 * name ended in '/'), under the header `tree <size>\0`, hashed with the repository's hash (SHA-1
 * ids have 40 hex digits, SHA-256 ids 64).
 */
export function treeId(entries: { mode: string; type: string; oid: string; name: string }[]): string {
  const key = (e: { type: string; name: string }) => Buffer.from(e.type === 'tree' ? `${e.name}/` : e.name);
  const sorted = [...entries].sort((a, b) => Buffer.compare(key(a), key(b)));
  const body = Buffer.concat(
    sorted.flatMap((e) => [
      Buffer.from(`${e.mode.replace(/^0+/, '')} ${e.name}\0`),
      Buffer.from(e.oid, 'hex'),
    ]),
  );
  const algorithm = entries[0]?.oid.length === 64 ? 'sha256' : 'sha1';
  return createHash(algorithm).update(`tree ${body.length}\0`).update(body).digest('hex');
}

/**
 * The message as `git commit` stores one it was handed (cleanup mode "whitespace"): no trailing
 * spaces, no leading or trailing blank lines, runs of blank lines made one, a final newline.
 */
export function tidyMessage(message: string): string {
  const lines = message.split('\n').map((line) => line.replace(/\s+$/, ''));
  const kept: string[] = [];
  for (const line of lines) {
    if (line === '' && (kept.length === 0 || kept[kept.length - 1] === '')) continue;
    kept.push(line);
  }
  while (kept.length && kept[kept.length - 1] === '') kept.pop();
  return kept.length ? `${kept.join('\n')}\n` : '';
}
