/**
 * Renders the faces of an action from its definition: the GitHub action.yml, the GitLab component
 * template, and the Markdown input/output tables. Pure functions; scripts/generate.ts writes files.
 */
import { stringify } from 'yaml';
import { ENV_VARS, type EnvVar, GITLAB_ID_TOKEN_VARIABLE } from '../src/core/env-vars.ts';
import type { ActionDefinition, InputSpec } from '../src/definition.ts';
import { inputVariable } from '../src/platform/cli.ts';

const HEADER = 'Generated from actions/%s/definition.ts by `npm run generate`. Do not edit.';

export function githubActionYaml(definition: ActionDefinition): string {
  const inputs: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(definition.inputs)) {
    const entry: Record<string, unknown> = { description: oneLine(spec.description) };
    entry.required = Boolean(spec.required);
    const value = spec.githubDefault ?? spec.default;
    if (value !== undefined && !spec.required) entry.default = String(value);
    inputs[name] = entry;
  }
  const outputs: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(definition.outputs))
    outputs[name] = { description: oneLine(spec.description) };
  const doc = {
    name: `golden-actions ${definition.name}`,
    description: definition.description,
    author: 'golden-actions',
    branding: definition.branding,
    inputs,
    outputs,
    runs: { using: 'node24', main: `../dist/${definition.name}/index.js` },
  };
  return `# ${HEADER.replace('%s', definition.name)}\n${stringify(doc, { lineWidth: 0 })}`;
}

/**
 * Inputs every component adds for GitLab itself. `needs` is deliberately not one: no input value
 * means "no needs:" (a `[]` default would start the job at once and break stage ordering), so a
 * pipeline adds `needs:` (or `tags:`, `services:`, `timeout:`...) by defining a job with the same
 * name, which GitLab merges into the component's job.
 */
const gitlabJobInputs = {
  stage: { description: 'Pipeline stage of the job.' },
  'job-name': {
    description:
      'Name of the job. Set it to include the component more than once; define a job of that name in your `.gitlab-ci.yml` to add `needs:`, `tags:`, `services:`, `variables:`... (GitLab merges the two).',
  },
  'runner-image': {
    description:
      "Repository of the golden-actions runner image (Node.js, git, buildah, docker CLI, the CLI), without a tag: the job runs `<runner-image>:<version>`, the release the component is included at. An image of your own must carry the same version tags and the CLI of exactly that version. At an unreleased ref (a commit SHA or a branch) there is no version: set the job's `image:`.",
  },
  rules: {
    description: 'Job `rules:` (array of rules), e.g. `[{ if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH }]`.',
  },
} as const;

/**
 * Names of the inputs a component adds to the action's. `runner-image`, not `image`: bump-gitops-tag
 * has an action input `image` (the image repository whose tag to set), and input names are the same
 * on every face.
 */
export const GITLAB_JOB_INPUTS = Object.keys(gitlabJobInputs) as (keyof typeof gitlabJobInputs)[];

export const GITLAB_STAGE_DEFAULTS: Record<string, string> = {
  'build-push-image': 'build',
  'package-push-chart': 'build',
  'bump-gitops-tag': 'deploy',
  'verify-paths-filter': 'test',
};

/** Where the component project pushes its runner image: `<registry>/<project path>/runner`. */
export const DEFAULT_RUNNER_IMAGE = '$CI_REGISTRY/platform/golden-actions/runner';

/** The id_tokens variable the GitLab platform reads the OIDC token from (one definition, in the registry). */
export { GITLAB_ID_TOKEN_VARIABLE };

export interface GitLabOptions {
  /** Default runner image repository, without a tag, e.g. `$CI_REGISTRY/platform/golden-actions/runner`. */
  runnerImage: string;
}

/**
 * The version the component was included at, as GitLab renders it (`spec:component`, GitLab 18.6):
 * `@1.2.3`, `@1.2`, `@1` and `@~latest` give the resolved release (`1.2.3`); a commit SHA or a
 * branch gives nothing.
 */
export const COMPONENT_VERSION = '$[[ component.version ]]';
/** The component context a template uses; GitLab rejects a `$[[ component.* ]]` it does not declare. */
export const GITLAB_COMPONENT_CONTEXT = ['version', 'sha'] as const;

/** Dotenv report a component job writes (`<action>.env` in `$CI_PROJECT_DIR`). */
export const gitlabDotenvFile = (definition: ActionDefinition) => `${definition.name}.env`;

/** The component's `spec:inputs` entry of each action input, in definition order (GitLab-only inputs excluded). */
export function gitlabActionInputs(definition: ActionDefinition): Record<string, Record<string, unknown>> {
  const inputs: Record<string, Record<string, unknown>> = {};
  for (const [name, spec] of Object.entries(definition.inputs)) {
    if (!spec.githubOnly) inputs[name] = gitlabInput(spec);
  }
  return inputs;
}

/** How an input reaches the CLI in a component job. */
export function gitlabInputTransport(spec: InputSpec): 'flag' | 'variable' {
  return spec.type === 'boolean' || spec.type === 'number' ? 'flag' : 'variable';
}

/**
 * The GitLab CI/CD component of an action: `spec:inputs` (the action's inputs with their types,
 * defaults and options, so GitLab rejects a bad include before any job runs, plus stage, job-name,
 * image and rules) and one job that runs the CLI with GITLAB_CI=true semantics.
 */
export function gitlabComponentYaml(definition: ActionDefinition, options: GitLabOptions): string {
  const { name } = definition;
  const usesAws = 'audience' in definition.inputs;
  const dotenv = gitlabDotenvFile(definition);

  const actionInputs = gitlabActionInputs(definition);
  for (const input of GITLAB_JOB_INPUTS) {
    if (input in actionInputs)
      throw new Error(`${name}: input '${input}' clashes with the component's own GitLab input of that name`);
  }
  const inputs: Record<string, unknown> = {
    ...actionInputs,
    stage: {
      description: gitlabJobInputs.stage.description,
      default: GITLAB_STAGE_DEFAULTS[name] ?? 'build',
    },
    'job-name': { description: gitlabJobInputs['job-name'].description, default: name },
    'runner-image': {
      description: gitlabJobInputs['runner-image'].description,
      default: options.runnerImage,
    },
    rules: {
      description: gitlabJobInputs.rules.description,
      type: 'array',
      default: [{ when: 'on_success' }],
    },
  };

  // String inputs travel as job variables, never spliced into the shell line. GitLab expands $VARS
  // in them when the job starts (so `tag: $IMAGE_TAG` reads an earlier job's dotenv report; write
  // `$$` for a literal dollar). Booleans and numbers cannot be job variables (`variables:` rejects
  // booleans, and whole-value interpolation keeps the input's type), so they become flags: their
  // values were validated by GitLab against the input type and hold no shell syntax.
  const variables: Record<string, string> = {};
  const flags: string[] = [];
  for (const [input, spec] of Object.entries(definition.inputs)) {
    if (spec.githubOnly) continue;
    if (gitlabInputTransport(spec) === 'flag') flags.push(`--${input}=$[[ inputs.${input} ]]`);
    else variables[inputVariable(input)] = `$[[ inputs.${input} ]]`;
  }
  variables.GA_DOTENV = dotenv;

  const job: Record<string, unknown> = {
    stage: '$[[ inputs.stage ]]',
    // The runner image of the release the component is included at: templates, CLI and image move
    // together. An unreleased ref renders no version (`…/runner:`): the pipeline sets `image:`.
    image: `$[[ inputs.runner-image ]]:${COMPONENT_VERSION}`,
  };
  if (usesAws) {
    // The OIDC token for STS AssumeRoleWithWebIdentity; aud must be an audience of the IAM OIDC provider.
    job.id_tokens = { [GITLAB_ID_TOKEN_VARIABLE]: { aud: '$[[ inputs.audience ]]' } };
  }
  job.variables = variables;
  // The CLI comes with the image, never from a package registry at run time. Its version must be the
  // component's (when GitLab knows it), so a custom image cannot silently run other code.
  job.script = [
    `GA_VERSION="${COMPONENT_VERSION}";` +
      ` if ! command -v golden-actions >/dev/null 2>&1; then` +
      ` echo "golden-actions: the job image has no golden-actions CLI on PATH; use the golden-actions runner image (input 'runner-image') or an image built from it." >&2; exit 1;` +
      ` elif [ -n "$GA_VERSION" ] && [ "$(golden-actions --version)" != "$GA_VERSION" ]; then` +
      ` echo "golden-actions: the job image has CLI $(golden-actions --version), the component is $GA_VERSION; use an image with the CLI of exactly $GA_VERSION." >&2; exit 1; fi`,
    [`golden-actions ${name}`, ...flags].join(' '),
  ];
  // Outputs reach later jobs as variables (IMAGE_TAG, CHART_REF...) through the dotenv report;
  // written even when the job fails, so what was done stays visible.
  job.artifacts = { reports: { dotenv }, when: 'always' };
  job.rules = '$[[ inputs.rules ]]';

  const header = [
    `# ${HEADER.replace('%s', name)}`,
    `# ${definition.title}: ${oneLine(definition.description)}`,
    `# Inputs, outputs (dotenv variables) and examples: README.md, section "${name}".`,
  ];
  return [
    ...header,
    stringify({ spec: { component: [...GITLAB_COMPONENT_CONTEXT], inputs } }, { lineWidth: 0 }).trimEnd(),
    '---',
    stringify({ '$[[ inputs.job-name ]]': job }, { lineWidth: 0 }),
  ].join('\n');
}

/**
 * The component's inputs as a Markdown table: GitLab type (a boolean or number must be given
 * unquoted), default, then the inputs every component adds.
 */
export function gitlabInputsTable(definition: ActionDefinition): string {
  const rows = ['| input | type | description | default |', '| --- | --- | --- | --- |'];
  const shown = (value: unknown) =>
    value === undefined || value === '' ? '' : `\`${String(value).replace(/\n/g, '\\n')}\``;
  for (const [name, entry] of Object.entries(gitlabActionInputs(definition))) {
    const spec = definition.inputs[name]!;
    const options = spec.options ? ` One of: ${spec.options.map((o) => `\`${o}\``).join(', ')}.` : '';
    const value = 'default' in entry ? shown(entry.default) : '**required**';
    rows.push(`| \`${name}\` | ${entry.type ?? 'string'} | ${cell(spec.description)}${options} | ${value} |`);
  }
  const stage = GITLAB_STAGE_DEFAULTS[definition.name] ?? 'build';
  const jobRows: [string, string, string][] = [
    ['stage', 'string', `\`${stage}\``],
    ['job-name', 'string', `\`${definition.name}\``],
    ['runner-image', 'string', `\`${DEFAULT_RUNNER_IMAGE}\``],
    ['rules', 'array', '`[{ when: on_success }]`'],
  ];
  for (const [name, type, value] of jobRows) {
    const description = gitlabJobInputs[name as keyof typeof gitlabJobInputs].description;
    rows.push(`| \`${name}\` | ${type} | ${cell(description)} | ${value} |`);
  }
  return rows.join('\n');
}

function gitlabInput(spec: InputSpec): Record<string, unknown> {
  const entry: Record<string, unknown> = { description: oneLine(spec.description) };
  const type = spec.type === 'boolean' ? 'boolean' : spec.type === 'number' ? 'number' : 'string';
  if (type !== 'string') entry.type = type;
  if (spec.options) entry.options = [...spec.options];
  const value = spec.gitlabDefault ?? spec.default;
  // No default makes the input mandatory in GitLab.
  if (!spec.required) entry.default = value ?? (type === 'boolean' ? false : type === 'number' ? 0 : '');
  return entry;
}

export function inputsTable(definition: ActionDefinition, face: 'github' | 'gitlab' = 'github'): string {
  // The GitLab table has a type column and the component's own inputs.
  if (face === 'gitlab') return gitlabInputsTable(definition);
  const rows = ['| input | description | default |', '| --- | --- | --- |'];
  for (const [name, spec] of Object.entries(definition.inputs)) {
    const value = spec.githubDefault ?? spec.default;
    const shown = spec.required
      ? '**required**'
      : value === undefined || value === ''
        ? ''
        : `\`${String(value).replace(/\n/g, '\\n')}\``;
    const options = spec.options ? ` One of: ${spec.options.map((o) => `\`${o}\``).join(', ')}.` : '';
    rows.push(`| \`${name}\` | ${cell(spec.description)}${options} | ${shown} |`);
  }
  return rows.join('\n');
}

export function outputsTable(definition: ActionDefinition, face: 'github' | 'gitlab' = 'github'): string {
  const rows =
    face === 'gitlab'
      ? ['| output | dotenv variable | description |', '| --- | --- | --- |']
      : ['| output | description |', '| --- | --- |'];
  for (const [name, spec] of Object.entries(definition.outputs)) {
    rows.push(
      face === 'gitlab'
        ? `| \`${name}\` | ${spec.dotenv ? `\`${spec.dotenv}\`` : '(not in dotenv)'} | ${cell(spec.description)} |`
        : `| \`${name}\` | ${cell(spec.description)} |`,
    );
  }
  if (definition.dynamicOutputs)
    rows.push(
      face === 'gitlab'
        ? `| | | ${cell(definition.dynamicOutputs)} |`
        : `| | ${cell(definition.dynamicOutputs)} |`,
    );
  return rows.join('\n');
}

const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim();
const cell = (text: string) => oneLine(text).replace(/\|/g, '\\|');

/** The variable registry as a Markdown table, one row per variable, in the registry's order. */
export function envTable(): string {
  const rows = Object.entries(ENV_VARS as Record<string, EnvVar>).map(([name, v]) => {
    const child = v.private ? 'never' : v.programConfig ? 'when the builder asks' : '';
    return `| \`${name}\` | ${v.area} | ${v.use} | ${child} | ${cell(v.why)} |`;
  });
  return [
    '| Variable | Where | Use | Passed to child programs | Why |',
    '|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}
