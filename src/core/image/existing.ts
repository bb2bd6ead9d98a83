import type { RegistryClient } from '../registry/client.ts';

const INDEX_TYPES = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
];

/**
 * The digest of `repository:tag` when that image was built from `sha` (its
 * org.opencontainers.image.revision label says so), else undefined. A tag that moved to another
 * commit does not count: reusing it would ship the wrong code.
 */
export async function imageForCommit(
  client: RegistryClient,
  repository: string,
  tag: string,
  sha: string,
): Promise<string | undefined> {
  const manifest = await client.getManifest(repository, tag);
  if (!manifest) return undefined;
  let body = JSON.parse(manifest.body.toString('utf8')) as {
    mediaType?: string;
    manifests?: { digest: string }[];
    config?: { digest: string };
  };
  if (INDEX_TYPES.includes(body.mediaType ?? manifest.mediaType) && body.manifests?.[0]) {
    const child = await client.getManifest(repository, body.manifests[0].digest);
    if (!child) return undefined;
    body = JSON.parse(child.body.toString('utf8'));
  }
  if (!body.config?.digest) return undefined;
  const config = JSON.parse((await client.getBlob(repository, body.config.digest)).toString('utf8')) as {
    config?: { Labels?: Record<string, string> };
  };
  return config.config?.Labels?.['org.opencontainers.image.revision'] === sha ? manifest.digest : undefined;
}
