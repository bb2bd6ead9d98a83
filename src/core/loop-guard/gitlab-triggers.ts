/**
 * GitLab build triggers: a job whose script builds, and an include of our build-push-image or
 * package-push-chart component (its include `rules:` and its `rules` input both apply).
 */
import type { Node } from 'yaml';
import { sampleGlob } from '../paths/glob.ts';
import { child, text } from '../paths/yaml-source.ts';
import type { Job } from './gitlab-jobs.ts';
import {
  changeGlobs,
  evaluateOnlyExcept,
  evaluateRules,
  preferChanges,
  workflowAllows,
} from './gitlab-rules.ts';
import type { At, Source } from './gitlab-sources.ts';
import type { BuildTrigger, Location } from './model.ts';

export function jobTrigger(job: Job, workflow: At | undefined, files: readonly string[]): BuildTrigger {
  const rules = job.get('rules');
  const jobWhen = text(job.get('when')?.node) ?? 'on_success';
  return {
    platform: 'gitlab',
    label: `${job.where.file} job '${job.name}'`,
    where: job.where,
    samples: [...changeGlobs(rules), ...changeGlobs(workflow)].flatMap(sampleGlob),
    firesOn(facts) {
      const pipeline = workflowAllows(workflow, facts, files);
      if (!pipeline.runs) return undefined;
      const outcome = rules
        ? evaluateRules(rules.src, rules.node, facts, files, jobWhen)
        : jobWhen === 'manual'
          ? { runs: false }
          : evaluateOnlyExcept(job, facts);
      if (!outcome.runs) return undefined;
      return (
        preferChanges(outcome.firing, pipeline.firing) ?? {
          where: job.where,
          why: `job '${job.name}' runs on every push`,
        }
      );
    },
  };
}

export function componentTrigger(
  src: Source,
  entry: Node,
  inputs: Node | undefined,
  name: string,
  where: Location,
  workflow: At | undefined,
  files: readonly string[],
): BuildTrigger {
  const includeRules = child(src.doc, entry, 'rules');
  const jobRules = child(src.doc, inputs, 'rules');
  const include: At | undefined = includeRules ? { src, node: includeRules } : undefined;
  const job: At | undefined = jobRules ? { src, node: jobRules } : undefined;
  return {
    platform: 'gitlab',
    label: `${src.file.path} component ${name}`,
    where,
    samples: [...changeGlobs(include), ...changeGlobs(job), ...changeGlobs(workflow)].flatMap(sampleGlob),
    firesOn(facts) {
      const pipeline = workflowAllows(workflow, facts, files);
      if (!pipeline.runs) return undefined;
      const included = include ? evaluateRules(src, includeRules, facts, files, 'always') : { runs: true };
      if (!included.runs) return undefined;
      // Our component's `rules` input defaults to `[{when: on_success}]`: every push.
      const runs = job ? evaluateRules(src, jobRules, facts, files, 'on_success') : { runs: true };
      if (!runs.runs) return undefined;
      return (
        preferChanges(runs.firing, preferChanges(included.firing, pipeline.firing)) ?? {
          where,
          why: `component ${name} has no rules:changes: every push starts it`,
        }
      );
    },
  };
}
