/**
 * GitLab pipelines: `.gitlab-ci.yml` and its local includes. Finds build jobs (scripts that build,
 * or our build components) and the bump-gitops-tag components/jobs that write into this
 * repository. The work is split by step: gitlab-sources.ts loads the files, gitlab-jobs.ts merges
 * the jobs, gitlab-rules.ts (with gitlab-if.ts) decides whether a push starts one, and
 * gitlab-triggers.ts turns build jobs and build components into triggers.
 */
import type { Document, Node } from 'yaml';
import { isSeq } from 'yaml';
import { parseBumpFiles } from '../gitops/bump-defaults.ts';
import { child, items, text } from '../paths/yaml-source.ts';
import { bumpCommandOption, componentName, isBuildCommand, isBumpCommand } from './build-steps.ts';
import { addBumpWriter, bumpSettings } from './bump-writer.ts';
import { collectJobs, scriptText } from './gitlab-jobs.ts';
import { type At, includeEntries, loadSources } from './gitlab-sources.ts';
import { componentTrigger, jobTrigger } from './gitlab-triggers.ts';
import type { CiScan, Location, RepoView } from './model.ts';

export async function scanGitlab(view: RepoView): Promise<CiScan> {
  const scan: CiScan = { triggers: [], writers: [], notes: [] };
  const sources = await loadSources(view, scan);
  const root = sources[0];
  if (!root) return scan;
  const workflowRules = child(root.doc, child(root.doc, root.doc.contents, 'workflow'), 'rules');
  const workflow: At | undefined = workflowRules ? { src: root, node: workflowRules } : undefined;
  const jobs = collectJobs(sources);
  // `exists:` rules ask about every file of the repository.
  const files = await view.files();

  for (const job of jobs.values()) {
    if (job.name.startsWith('.')) continue;
    const script = scriptText(job);
    if (isBuildCommand(script)) scan.triggers.push(jobTrigger(job, workflow, files));
    if (isBumpCommand(script)) {
      const option = (name: string) => bumpCommandOption(script, name);
      const files = option('files');
      await addBumpWriter(scan, view, {
        platform: 'gitlab',
        where: job.where,
        files: files ? parseBumpFiles(files) : undefined,
        token: option('token'),
        message: option('commit-message'),
        branch: option('branch'),
        mode: option('mode'),
        repository: option('repository'),
        dryRun: option('dry-run'),
      });
    }
  }

  for (const src of sources) {
    for (const entry of includeEntries(src)) {
      const component = text(child(src.doc, entry, 'component'));
      const name = component ? componentName(component) : undefined;
      if (!name) continue;
      const inputs = child(src.doc, entry, 'inputs');
      const where: Location = { file: src.file.path, line: src.file.lineOf(entry) };
      if (name === 'build-push-image' || name === 'package-push-chart') {
        scan.triggers.push(componentTrigger(src, entry, inputs, name, where, workflow, files));
      } else if (name === 'bump-gitops-tag') {
        const input = (key: string) => inputText(src.doc, child(src.doc, inputs, key));
        const files = child(src.doc, inputs, 'files');
        await addBumpWriter(scan, view, {
          platform: 'gitlab',
          where,
          files:
            files === undefined
              ? undefined
              : isSeq(files)
                ? items(src.doc, files).map((i) => text(i) ?? '')
                : parseBumpFiles(text(files) ?? ''),
          ...bumpSettings(input),
        });
      }
    }
  }
  return scan;
}

function inputText(doc: Document, node: Node | undefined): string | undefined {
  if (node === undefined) return undefined;
  return text(node) ?? JSON.stringify(node.toJS(doc));
}
