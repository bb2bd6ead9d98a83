import { readFileSync } from 'node:fs';
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
  const tar = await layerTar();
  const layer = gzipSync(tar, { level: 6 });
  const architecture = { x64: 'amd64', arm64: 'arm64' }[process.arch as string] ?? process.arch;
  const config = Buffer.from(
    JSON.stringify({
      created: '1970-01-01T00:00:00Z',
      architecture,
      os: 'linux',
      config: { Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'], Cmd: ['sh'] },
      rootfs: { type: 'layers', diff_ids: [sha256Digest(tar)] },
      history: [
        { created: '1970-01-01T00:00:00Z', created_by: 'golden-actions test harness: busybox-static' },
      ],
    }),
  );
  const auth = registry.username ? { username: registry.username, password: registry.password } : undefined;
  const client = new RegistryClient(registry.host, auth);
  const layerBlob = await client.uploadBlob(REPOSITORY, layer);
  const configBlob = await client.uploadBlob(REPOSITORY, config);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...configBlob },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', ...layerBlob }],
    }),
  );
  const digest = await client.putManifest(
    REPOSITORY,
    TAG,
    manifest,
    'application/vnd.oci.image.manifest.v1+json',
  );
  return {
    ref: `${registry.host}/${REPOSITORY}:${TAG}`,
    host: registry.host,
    repository: REPOSITORY,
    tag: TAG,
    digest,
  };
}

/** The layer's tar, deterministic: root-owned, mtime 0. */
function layerTar(): Promise<Buffer> {
  const tar = pack();
  const common = { uid: 0, gid: 0, uname: 'root', gname: 'root', mtime: new Date(0) };
  const dir = (name: string, mode = 0o755) =>
    tar.entry({ ...common, name: `${name}/`, type: 'directory', mode });
  const file = (name: string, data: Buffer, mode = 0o644) => tar.entry({ ...common, name, mode }, data);
  dir('bin');
  file('bin/busybox', readFileSync(BUSYBOX), 0o755);
  for (const applet of APPLETS) {
    tar.entry({ ...common, name: `bin/${applet}`, type: 'symlink', linkname: 'busybox', mode: 0o777 });
  }
  dir('etc');
  file(
    'etc/passwd',
    Buffer.from('root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n'),
  );
  file('etc/group', Buffer.from('root:x:0:\nnogroup:x:65534:\n'));
  dir('root', 0o700);
  dir('tmp', 0o1777);
  dir('usr');
  dir('usr/bin');
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
