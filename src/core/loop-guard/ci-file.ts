import { readYaml, type YamlFile } from '../paths/yaml-source.ts';
import type { CiScan, RepoView } from './model.ts';

/**
 * Reads a CI configuration file for a scan. One that is missing gives undefined; one that is not
 * valid YAML gives undefined and a warning note naming it, so one broken file never hides the rest.
 */
export async function readCiFile(view: RepoView, path: string, scan: CiScan): Promise<YamlFile | undefined> {
  const source = await view.read(path);
  if (source === undefined) return undefined;
  const file = readYaml(path, source);
  if (file.error || !file.docs[0]) {
    scan.notes.push({
      level: 'warning',
      message: `${path} is not valid YAML (${file.error}); not checked`,
      where: { file: path },
    });
    return undefined;
  }
  return file;
}
