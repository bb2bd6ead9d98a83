/**
 * ECR does not create repositories on push (helm/helm#10169), and Helm appends the chart name to the
 * namespace, so the repository must be exactly `<namespace>/<name>` (helm/helm#11017). Check it
 * before anything is uploaded; create it only when asked, with immutable tags (a chart version is
 * never meant to change).
 */
import { setting, UserError } from '../errors.ts';
import type { Logger } from '../log.ts';

export interface RepositoryApi {
  repositoryExists(name: string): Promise<boolean>;
  createRepository(name: string, settings: { immutable?: boolean; scanOnPush?: boolean }): Promise<boolean>;
}

export type RepositoryState = 'exists' | 'created' | 'would-create';

export async function ensureChartRepository(
  api: RepositoryApi,
  repository: string,
  options: { create: boolean; dryRun: boolean; log: Logger; host: string },
): Promise<RepositoryState> {
  if (await api.repositoryExists(repository)) return 'exists';
  if (!options.create) {
    throw new UserError(
      `ECR repository '${repository}' does not exist in ${options.host}, and ECR does not create repositories on push. ` +
        `Create it (aws ecr create-repository --repository-name ${repository} --image-tag-mutability IMMUTABLE) ` +
        `or set ${setting('create-repository', 'true')}`,
    );
  }
  if (options.dryRun) {
    options.log.info(`Dry run: would create ECR repository '${repository}' (immutable tags)`);
    return 'would-create';
  }
  // Scanning is for images; a chart archive has nothing to scan.
  await api.createRepository(repository, { immutable: true, scanOnPush: false });
  return 'created';
}
