import { execFileSync } from 'node:child_process';
import { readFileSync, realpathSync } from 'node:fs';
import { dirname } from 'node:path';
import { gzipSync } from 'node:zlib';
import { pack } from 'tar-stream';
import { RegistryClient, sha256Digest } from '../../src/core/registry/client.ts';
import type { RegistryHandle } from './registry.ts';

export interface BaseImage {
  /** `<host>/base/busybox:1`, ready for `FROM`. */
  ref: string;
  host: string;
  repository: string;
  tag: string;
  /** Manifest digest. */
  digest: string;
}

const REPOSITORY = 'base/busybox';
const TAG = '1';
const BUSYBOX = '/bin/busybox';
const APPLETS = (
  'sh ash echo cat ls mkdir cp mv rm ln touch chmod env test [ true false sleep grep sed head tail wc ' +
  'printf pwd id uname date tar gzip wget sha256sum tr cut sort find xargs which whoami hostname'
).split(' ');

const cache = new Map<string, Promise<BaseImage>>();

/**
 * A tiny OCI image made here without internet: one layer with Debian's static busybox and applet
 * symlinks, written by hand (tar, config, manifest) and pushed to the harness registry.
 * Built once per process and registry.
 */
export function baseImage(
  registry: Pick<RegistryHandle, 'host' | 'username' | 'password'>,
): Promise<BaseImage> {
  let image = cache.get(registry.host);
  if (!image) {
    image = pushBaseImage(registry);
    cache.set(registry.host, image);
    image.catch(() => cache.delete(registry.host));
  }
  return image;
}

async function pushBaseImage(
  registry: Pick<RegistryHandle, 'host' | 'username' | 'password'>,
): Promise<BaseImage> {
  return pushImage(registry, REPOSITORY, TAG, [...busyboxEntries()], 'busybox-static');
}

/** A file, folder or symlink of an image layer (paths without the leading `/`). */
type Entry =
  | { type: 'file'; name: string; data: Buffer; mode?: number }
  | { type: 'directory'; name: string; mode?: number }
  | { type: 'symlink'; name: string; target: string };

/**
 * `<host>/base/node:<major>`: the busybox base plus this machine's Node.js binary as
 * /usr/local/bin/node, with the shared libraries it links (glibc, libstdc++) and /usr/bin/env for
 * `#!/usr/bin/env node` scripts. What a `node:*` image is to a Dockerfile, made without internet.
 */
export function nodeBaseImage(
  registry: Pick<RegistryHandle, 'host' | 'username' | 'password'>,
  node: string,
): Promise<BaseImage> {
  const major = execFileSync(node, ['-p', 'process.versions.node.split(".")[0]'], {
    encoding: 'utf8',
  }).trim();
  return pushImage(
    registry,
    'base/node',
    major,
    [
      ...busyboxEntries(),
      { type: 'symlink', name: 'usr/bin/env', target: '/bin/busybox' },
      ...binaryEntries(node, 'usr/local/bin/node'),
    ],
    `Node.js ${major} and busybox-static`,
  );
}

/**
 * `<host>/base/docker-cli:1`: what the runner image takes from `docker:*-cli`, made from this
 * machine's docker CLI: /usr/local/bin/docker and the cli-plugins folder (with buildx when the
 * machine has it).
 */
export function dockerCliImage(
  registry: Pick<RegistryHandle, 'host' | 'username' | 'password'>,
  docker: string,
): Promise<BaseImage> {
  const entries: Entry[] = [
    { type: 'directory', name: 'usr/local/libexec/docker/cli-plugins' },
    ...binaryEntries(docker, 'usr/local/bin/docker'),
  ];
  return pushImage(registry, 'base/docker-cli', '1', entries, 'docker CLI');
}

/** A binary at `name` plus every shared library `ldd` lists for it, at the same paths. */
function binaryEntries(binary: string, name: string): Entry[] {
  const entries: Entry[] = [{ type: 'file', name, data: readFileSync(binary), mode: 0o755 }];
  let ldd = '';
  try {
    ldd = execFileSync('ldd', [binary], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    // A static binary: ldd says "not a dynamic executable" and fails.
  }
  const libraries = [...ldd.matchAll(/(\/\S+\.so[.\d]*)\s+\(0x/g)].map((m) => m[1]!);
  const seenDirs = new Set<string>();
  for (let dir = dirname(`/${name}`); dir !== '/'; dir = dirname(dir)) seenDirs.add(dir);
  for (const library of libraries) {
    for (let dir = dirname(library); dir !== '/' && !seenDirs.has(dir); dir = dirname(dir)) seenDirs.add(dir);
    entries.push({
      type: 'file',
      name: library.slice(1),
      data: readFileSync(realpathSync(library)),
      mode: 0o755,
    });
  }
  const dirs = [...seenDirs].sort().map((dir): Entry => ({ type: 'directory', name: dir.slice(1) }));
  return [...dirs, ...entries];
}

async function pushImage(
  registry: Pick<RegistryHandle, 'host' | 'username' | 'password'>,
  repository: string,
  tag: string,
  entries: Entry[],
  what: string,
): Promise<BaseImage> {
  const tar = await layerTar(entries);
  const layer = gzipSync(tar, { level: 6 });
  const architecture = { x64: 'amd64', arm64: 'arm64' }[process.arch as string] ?? process.arch;
  const config = Buffer.from(
    JSON.stringify({
      created: '1970-01-01T00:00:00Z',
      architecture,
      os: 'linux',
      config: { Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'], Cmd: ['sh'] },
      rootfs: { type: 'layers', diff_ids: [sha256Digest(tar)] },
      history: [{ created: '1970-01-01T00:00:00Z', created_by: `golden-actions test harness: ${what}` }],
    }),
  );
  const auth = registry.username ? { username: registry.username, password: registry.password } : undefined;
  const client = new RegistryClient(registry.host, auth);
  const layerBlob = await client.uploadBlob(repository, layer);
  const configBlob = await client.uploadBlob(repository, config);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...configBlob },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', ...layerBlob }],
    }),
  );
  const digest = await client.putManifest(
    repository,
    tag,
    manifest,
    'application/vnd.oci.image.manifest.v1+json',
  );
  return { ref: `${registry.host}/${repository}:${tag}`, host: registry.host, repository, tag, digest };
}

/** The busybox layer: the static binary, its applets, a passwd/group and the usual folders. */
function* busyboxEntries(): Generator<Entry> {
  yield { type: 'directory', name: 'bin' };
  yield { type: 'file', name: 'bin/busybox', data: readFileSync(BUSYBOX), mode: 0o755 };
  for (const applet of APPLETS) yield { type: 'symlink', name: `bin/${applet}`, target: 'busybox' };
  yield { type: 'directory', name: 'etc' };
  yield {
    type: 'file',
    name: 'etc/passwd',
    data: Buffer.from('root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n'),
  };
  yield { type: 'file', name: 'etc/group', data: Buffer.from('root:x:0:\nnogroup:x:65534:\n') };
  yield { type: 'directory', name: 'root', mode: 0o700 };
  yield { type: 'directory', name: 'tmp', mode: 0o1777 };
  yield { type: 'directory', name: 'usr' };
  yield { type: 'directory', name: 'usr/bin' };
}

/** The layer's tar, deterministic: root-owned, mtime 0; a folder is written once. */
function layerTar(entries: Entry[]): Promise<Buffer> {
  const tar = pack();
  const common = { uid: 0, gid: 0, uname: 'root', gname: 'root', mtime: new Date(0) };
  const written = new Set<string>();
  for (const entry of entries) {
    if (written.has(entry.name)) continue;
    written.add(entry.name);
    if (entry.type === 'directory')
      tar.entry({ ...common, name: `${entry.name}/`, type: 'directory', mode: entry.mode ?? 0o755 });
    else if (entry.type === 'symlink')
      tar.entry({ ...common, name: entry.name, type: 'symlink', linkname: entry.target, mode: 0o777 });
    else tar.entry({ ...common, name: entry.name, mode: entry.mode ?? 0o644 }, entry.data);
  }
  tar.finalize();
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    tar.on('data', (chunk: unknown) => {
      chunks.push(chunk as Buffer);
    });
    tar.on('end', () => resolve(Buffer.concat(chunks)));
    tar.on('error', reject);
  });
}
