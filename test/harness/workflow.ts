/**
 * Runs the steps of one job of a GitHub workflow file here, the way the runner would: `if:`
 * conditions and `${{ }}` expressions evaluated with GitHub's own expression library, `run:` steps
 * under `bash --noprofile --norc -eo pipefail`, each step with fresh GITHUB_OUTPUT/GITHUB_ENV files,
 * and `uses:` steps handed to the caller (which runs our bundles through the runner harness).
 * A failed step ends the job: the steps after it are skipped, as on GitHub without `always()`.
 */
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { data, Evaluator, Lexer, Parser } from '@actions/expressions';
import { parse } from 'yaml';
import { parseFileCommand } from './github-runner.ts';
import { makeTempDir, removeDir } from './process.ts';

export interface WorkflowStep {
  id?: string;
  name?: string;
  if?: string;
  uses?: string;
  run?: string;
  with?: Record<string, string | number | boolean>;
  env?: Record<string, string | number | boolean>;
}

export interface StepResult {
  key: string;
  skipped: boolean;
  code: number;
  outputs: Record<string, string>;
  stdout: string;
  stderr: string;
}

/** What a `uses:` step did; the handler gets the step's `with:` and `env:` already evaluated. */
export type UsesHandler = (
  uses: string,
  inputs: Record<string, string>,
  env: Record<string, string>,
) => Promise<Omit<StepResult, 'key' | 'skipped'>>;

export interface WorkflowRunOptions {
  /** The workflow file. */
  file: string;
  /** The job to run (default: the only job). */
  job?: string;
  /** The `github` context: ref, ref_name, sha, event_name, event, repository, ... */
  github: Record<string, unknown>;
  vars?: Record<string, string>;
  secrets?: Record<string, string>;
  /** Environment of `run:` steps, under the workflow's, job's and step's own `env:`. */
  env: NodeJS.ProcessEnv;
  cwd: string;
  uses: UsesHandler;
}

export interface WorkflowRunResult {
  ok: boolean;
  steps: StepResult[];
  /** Outputs by step id. */
  outputs: Record<string, Record<string, string>>;
}

export async function runWorkflowJob(options: WorkflowRunOptions): Promise<WorkflowRunResult> {
  const workflow = parse(readFileSync(options.file, 'utf8')) as {
    env?: Record<string, unknown>;
    jobs: Record<string, { env?: Record<string, unknown>; steps: WorkflowStep[] }>;
  };
  const jobNames = Object.keys(workflow.jobs);
  const jobName = options.job ?? (jobNames.length === 1 ? jobNames[0]! : undefined);
  if (!jobName || !workflow.jobs[jobName]) throw new Error(`No job '${options.job}' in ${options.file}`);
  const job = workflow.jobs[jobName];

  const steps: StepResult[] = [];
  const byId: Record<string, { outputs: Record<string, string>; outcome: string; conclusion: string }> = {};
  const contexts = () => ({
    github: options.github,
    vars: options.vars ?? {},
    secrets: options.secrets ?? {},
    steps: byId,
    env: currentEnv,
    runner: { os: 'Linux', temp: options.env.RUNNER_TEMP ?? '' },
  });
  let currentEnv: Record<string, string> = {};
  currentEnv = { ...evaluateMap(workflow.env, contexts()) };
  currentEnv = { ...currentEnv, ...evaluateMap(job.env, contexts()) };
  let failed = false;

  for (const [index, step] of job.steps.entries()) {
    const key = step.id ?? step.name ?? step.uses ?? `step ${index + 1}`;
    // Without a status function, GitHub prefixes `success() &&`: nothing runs after a failure.
    const runs = !failed && (step.if === undefined || truthy(evaluate(unwrap(String(step.if)), contexts())));
    if (!runs) {
      steps.push({ key, skipped: true, code: 0, outputs: {}, stdout: '', stderr: '' });
      if (step.id) byId[step.id] = { outputs: {}, outcome: 'skipped', conclusion: 'skipped' };
      continue;
    }
    const stepEnv = { ...currentEnv, ...evaluateMap(step.env, contexts()) };
    const result = step.uses
      ? await options.uses(step.uses, evaluateMap(step.with, contexts()), stepEnv)
      : await runScript(interpolate(step.run ?? '', contexts()), { ...options.env, ...stepEnv }, options);
    steps.push({ key, skipped: false, ...result });
    const outcome = result.code === 0 ? 'success' : 'failure';
    if (step.id) byId[step.id] = { outputs: result.outputs, outcome, conclusion: outcome };
    if ('exportedEnv' in result)
      currentEnv = { ...currentEnv, ...(result.exportedEnv as Record<string, string>) };
    if (result.code !== 0) failed = true;
  }
  return {
    ok: !failed,
    steps,
    outputs: Object.fromEntries(Object.entries(byId).map(([id, step]) => [id, step.outputs])),
  };
}

/** Evaluates one expression (without `${{ }}`) against plain-object contexts. */
export function evaluate(expression: string, contexts: Record<string, unknown>): data.ExpressionData {
  const lexed = new Lexer(expression).lex();
  const parsed = new Parser(lexed.tokens, Object.keys(contexts), []).parse();
  const context = JSON.parse(JSON.stringify(contexts), data.reviver) as data.Dictionary;
  return new Evaluator(parsed, context).evaluate();
}

/** Replaces every `${{ expr }}` in text by its string value. */
export function interpolate(text: string, contexts: Record<string, unknown>): string {
  return text.replace(/\$\{\{(.*?)\}\}/gs, (_all, expression: string) =>
    evaluate(expression.trim(), contexts).coerceString(),
  );
}

const unwrap = (condition: string) =>
  condition
    .trim()
    .replace(/^\$\{\{(.*)\}\}$/s, '$1')
    .trim();

function truthy(value: data.ExpressionData): boolean {
  const text = value.coerceString();
  return text !== '' && text !== 'false' && text !== '0' && value.kind !== data.Kind.Null;
}

function evaluateMap(
  map: Record<string, unknown> | undefined,
  contexts: Record<string, unknown>,
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(map ?? {}).map(([name, value]) => [name, interpolate(String(value), contexts)]),
  );
}

async function runScript(
  script: string,
  env: NodeJS.ProcessEnv,
  options: WorkflowRunOptions,
): Promise<Omit<StepResult, 'key' | 'skipped'> & { exportedEnv: Record<string, string> }> {
  const dir = makeTempDir('ga-step');
  try {
    const files = { GITHUB_OUTPUT: join(dir, 'output'), GITHUB_ENV: join(dir, 'env') };
    for (const file of Object.values(files)) writeFileSync(file, '');
    writeFileSync(join(dir, 'step.sh'), script);
    const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>(
      (resolve, reject) => {
        const child = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', join(dir, 'step.sh')], {
          cwd: options.cwd,
          env: { ...env, ...files },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let out = '';
        let err = '';
        child.stdout.on('data', (chunk) => {
          out += chunk;
        });
        child.stderr.on('data', (chunk) => {
          err += chunk;
        });
        child.on('error', reject);
        child.on('close', (status) => resolve({ code: status ?? 1, stdout: out, stderr: err }));
      },
    );
    return {
      code,
      stdout,
      stderr,
      outputs: parseFileCommand(readFileSync(files.GITHUB_OUTPUT, 'utf8')),
      exportedEnv: parseFileCommand(readFileSync(files.GITHUB_ENV, 'utf8')),
    };
  } finally {
    removeDir(dir);
  }
}
