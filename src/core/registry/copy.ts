import type { Logger } from '../log.ts';
import { type RegistryClient, RegistryError } from './client.ts';

interface ManifestBody {
  manifests?: { digest: string }[];
  config?: { digest: string };
  layers?: { digest: string }[];
}

/**
 * Copies an image (a manifest or an index with its manifests, every blob) from one repository to
 * another, byte for byte, and tags it there: the copy has the same digest. Pushing the local image
 * to each registry would not promise that, as each push may compress layers anew. Blobs the target
 * already holds are not sent; each blob is held in memory while it is copied.
 */
export async function copyImage(
  from: { client: RegistryClient; repository: string },
  to: { client: RegistryClient; repository: string },
  digest: string,
  tags: string[],
  log: Logger,
): Promise<void> {
  const copied = await copyManifest(from, to, digest);
  for (const tag of tags) {
    const stored = await to.client.putManifest(to.repository, tag, copied.body, copied.mediaType);
    if (stored !== digest) {
      throw new RegistryError(
        `${to.client.host}/${to.repository}:${tag} stored as ${stored}, not ${digest}`,
        0,
      );
    }
  }
  log.info(`copied ${from.client.host}/${from.repository}@${digest} to ${to.client.host}/${to.repository}`);
}

async function copyManifest(
  from: { client: RegistryClient; repository: string },
  to: { client: RegistryClient; repository: string },
  digest: string,
): Promise<{ body: Buffer; mediaType: string }> {
  const manifest = await from.client.getManifest(from.repository, digest);
  if (!manifest) throw new RegistryError(`${from.client.host}/${from.repository}@${digest} is gone`, 404);
  const body = JSON.parse(manifest.body.toString('utf8')) as ManifestBody;
  for (const child of body.manifests ?? []) await copyManifest(from, to, child.digest);
  const blobs = [body.config, ...(body.layers ?? [])].filter((b): b is { digest: string } => Boolean(b));
  for (const { digest: blob } of blobs) {
    if (await to.client.blobExists(to.repository, blob)) continue;
    const data = await from.client.getBlob(from.repository, blob);
    const uploaded = await to.client.uploadBlob(to.repository, data);
    if (uploaded.digest !== blob) {
      throw new RegistryError(
        `${from.client.host}/${from.repository} served blob ${blob} as ${uploaded.digest}`,
        0,
      );
    }
  }
  // Children (and an image manifest itself) are stored by digest before any tag points at them.
  await to.client.putManifest(to.repository, digest, manifest.body, manifest.mediaType);
  return { body: manifest.body, mediaType: manifest.mediaType };
}
