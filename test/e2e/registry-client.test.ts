import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RegistryClient, RegistryError, sha256Digest } from '../../src/core/registry/client.ts';
import { baseImage } from '../harness/base-image.ts';
import { RecordingLogger } from '../harness/logger.ts';
import { type RegistryHandle, startRegistry } from '../harness/registry.ts';

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';

let secured: RegistryHandle;
let open: RegistryHandle;
const logger = new RecordingLogger();

beforeAll(async () => {
  [secured, open] = await Promise.all([startRegistry({ auth: true }), startRegistry({ auth: false })]);
});

afterAll(async () => {
  await Promise.all([secured?.stop(), open?.stop()]);
});

/** Reads straight from the registry, not through the client under test. */
async function raw(registry: RegistryHandle, path: string, accept = `${OCI_MANIFEST}, ${OCI_INDEX}`) {
  const headers: Record<string, string> = { accept };
  if (registry.auth) {
    headers.authorization = `Basic ${Buffer.from(`${registry.username}:${registry.password}`).toString('base64')}`;
  }
  const res = await fetch(`${registry.url}${path}`, { headers });
  return {
    status: res.status,
    digest: res.headers.get('docker-content-digest'),
    body: Buffer.from(await res.arrayBuffer()),
  };
}

function imageManifest(config: { digest: string; size: number }, layers: { digest: string; size: number }[]) {
  return Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
      layers: layers.map((l) => ({ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', ...l })),
    }),
  );
}

describe('RegistryClient against docker-registry with htpasswd auth', () => {
  it('pushes blobs and a manifest and reads back exactly what the registry serves', async () => {
    const client = new RegistryClient(
      secured.host,
      { username: secured.username, password: secured.password },
      { logger },
    );
    const layerData = randomBytes(3 * 1024 * 1024 + 17);
    const configData = Buffer.from(
      JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } }),
    );

    const layer = await client.uploadBlob('team/app', layerData);
    const config = await client.uploadBlob('team/app', configData);
    expect(layer).toEqual({
      digest: `sha256:${createHash('sha256').update(layerData).digest('hex')}`,
      size: layerData.length,
    });
    expect(await client.blobExists('team/app', layer.digest)).toBe(true);

    const manifest = imageManifest(config, [layer]);
    const digest = await client.putManifest('team/app', '1.0.0', manifest, OCI_MANIFEST);
    expect(digest).toBe(sha256Digest(manifest));

    // What the registry itself says, read without the client.
    const served = await raw(secured, '/v2/team/app/manifests/1.0.0');
    expect(served.status).toBe(200);
    expect(served.digest).toBe(digest);
    expect(served.body.equals(manifest)).toBe(true);
    expect((await raw(secured, `/v2/team/app/blobs/${layer.digest}`)).body.equals(layerData)).toBe(true);

    expect(await client.manifestDigest('team/app', '1.0.0')).toBe(digest);
    expect(await client.manifestDigest('team/app', digest)).toBe(digest);
    const read = await client.getManifest('team/app', '1.0.0');
    expect(read).toEqual({ digest, mediaType: OCI_MANIFEST, body: manifest });
    expect((await client.getBlob('team/app', layer.digest)).equals(layerData)).toBe(true);
    expect((await client.getBlob('team/app', config.digest)).equals(configData)).toBe(true);
  });

  it('keeps an index media type and tags the same manifest again without re-uploading', async () => {
    const log = new RecordingLogger();
    const client = new RegistryClient(
      secured.host,
      { username: secured.username, password: secured.password },
      { logger: log },
    );
    const config = await client.uploadBlob(
      'team/multi',
      Buffer.from('{"os":"linux","architecture":"arm64"}'),
    );
    const child = imageManifest(config, []);
    const childDigest = await client.putManifest('team/multi', sha256Digest(child), child, OCI_MANIFEST);
    const index = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: OCI_INDEX,
        manifests: [
          {
            mediaType: OCI_MANIFEST,
            digest: childDigest,
            size: child.length,
            platform: { os: 'linux', architecture: 'arm64' },
          },
        ],
      }),
    );
    const indexDigest = await client.putManifest('team/multi', 'v1', index, OCI_INDEX);
    expect((await client.getManifest('team/multi', 'v1'))?.mediaType).toBe(OCI_INDEX);

    log.clear();
    await client.uploadBlob('team/multi', Buffer.from('{"os":"linux","architecture":"arm64"}'));
    // The client logs each request it sends: one HEAD finds the blob, nothing is uploaded.
    expect(log.messages('debug').filter((m) => / -> \d+$/.test(m))).toEqual([
      `HEAD ${secured.url}/v2/team/multi/blobs/${encodeURIComponent(config.digest)} -> 200`,
    ]);

    const again = await client.getManifest('team/multi', 'v1');
    expect(await client.putManifest('team/multi', 'latest', again!.body, again!.mediaType)).toBe(indexDigest);
    expect(await client.manifestDigest('team/multi', 'latest')).toBe(indexDigest);
  });

  it('lists every tag (asking for pages of 2), and none for a repository not pushed yet', async () => {
    const client = new RegistryClient(secured.host, {
      username: secured.username,
      password: secured.password,
    });
    const config = await client.uploadBlob('team/tagged', Buffer.from('{"os":"linux"}'));
    const manifest = imageManifest(config, []);
    const names = ['1.0.0', '1.1.0', '1735689600-3f2c1ab', 'latest', 'main'];
    for (const tag of names) await client.putManifest('team/tagged', tag, manifest, OCI_MANIFEST);
    expect((await client.tags('team/tagged', 2)).sort()).toEqual([...names].sort());
    expect(await client.tags('team/never-pushed')).toEqual([]);
  });

  it('returns undefined for what does not exist, and a RegistryError for a missing blob', async () => {
    const client = new RegistryClient(secured.host, {
      username: secured.username,
      password: secured.password,
    });
    expect(await client.manifestDigest('team/app', 'no-such-tag')).toBeUndefined();
    expect(await client.getManifest('never/pushed', 'latest')).toBeUndefined();
    expect(await client.blobExists('team/app', sha256Digest(Buffer.from('nothing')))).toBe(false);
    await expect(client.getBlob('team/app', sha256Digest(Buffer.from('nothing')))).rejects.toThrow(
      RegistryError,
    );
  });

  it('names registry, repository and status on wrong credentials, never the password', async () => {
    const wrong = 'wrong-password-value';
    const client = new RegistryClient(
      secured.host,
      { username: secured.username, password: wrong },
      { logger },
    );
    const error = await client
      .putManifest('team/app', '2.0.0', Buffer.from('{}'), OCI_MANIFEST)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RegistryError);
    expect((error as RegistryError).status).toBe(401);
    expect((error as Error).message).toContain(
      `Registry ${secured.host}: cannot push manifest team/app:2.0.0: 401`,
    );
    expect((error as Error).message).toContain('check registry-username/registry-password');
    expect((error as Error).message).not.toContain(wrong);

    const anonymous = await new RegistryClient(secured.host)
      .manifestDigest('team/app', '1.0.0')
      .catch((e: unknown) => e);
    expect((anonymous as Error).message).toContain('The registry needs credentials');
  });

  it('never logs a credential', () => {
    const text = logger.text();
    expect(text.length).toBeGreaterThan(0);
    expect(text).not.toContain(secured.password);
    expect(text).not.toContain(Buffer.from(`${secured.username}:${secured.password}`).toString('base64'));
    expect(text).not.toContain('wrong-password-value');
  });
});

describe('RegistryClient against a registry without auth', () => {
  it('works anonymously, and the harness base image is a valid image there', async () => {
    const image = await baseImage(open);
    const client = new RegistryClient(open.host);
    expect(await client.manifestDigest(image.repository, image.tag)).toBe(image.digest);
    const manifest = JSON.parse(
      (await client.getManifest(image.repository, image.tag))!.body.toString('utf8'),
    );
    const config = JSON.parse(
      (await client.getBlob(image.repository, manifest.config.digest)).toString('utf8'),
    );
    expect(config.os).toBe('linux');
    expect(config.rootfs.diff_ids).toHaveLength(1);
    expect((await baseImage(open)).digest).toBe(image.digest);
  });
});
