/**
 * Renders the faces of an action from its definition: the GitHub action.yml, the GitLab component
 * template, and the Markdown input/output tables. Pure functions; scripts/generate.ts writes files.
 */
import { stringify } from 'yaml';
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
  'job-image': {
    description:
      'Job image: the golden-actions runner image (Node.js, git, buildah, docker CLI), or an image with Node.js 20+ and what the step uses (git; buildah or a docker daemon for builds): the CLI then comes from npm through `npx`.',
  },
  rules: {
    description: 'Job `rules:` (array of rules), e.g. `[{ if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH }]`.',
  },
} as const;

/**
 * Names of the inputs a component adds to the action's. `job-image`, not `image`: bump-gitops-tag
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

/** The id_tokens variable the GitLab platform reads the OIDC token from. */
export const GITLAB_ID_TOKEN_VARIABLE = 'GITLAB_OIDC_TOKEN';

export interface GitLabOptions {
  /** Default job image, e.g. `$CI_REGISTRY/platform/golden-actions/runner:1.0.0` (its tag is the version). */
  runnerImage: string;
  /** Version of the npm package the job falls back to (`npx golden-actions@<version>`); also the component version. */
  version: string;
  /** npm package of the CLI. Default `golden-actions`. */
  packageName?: string;
}

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
  const packageName = options.packageName ?? 'golden-actions';
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
    'job-image': { description: gitlabJobInputs['job-image'].description, default: options.runnerImage },
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
  variables.GA_VERSION = options.version;

  const missing =
    `echo "golden-actions: the job image has neither the golden-actions CLI nor Node.js (npx);` +
    ` use the golden-actions runner image, or an image with Node.js 20+ and git (input 'job-image')." >&2; exit 1`;
  const job: Record<string, unknown> = {
    stage: '$[[ inputs.stage ]]',
    image: '$[[ inputs.job-image ]]',
  };
  if (usesAws) {
    // The OIDC token for STS AssumeRoleWithWebIdentity; aud must be an audience of the IAM OIDC provider.
    job.id_tokens = { [GITLAB_ID_TOKEN_VARIABLE]: { aud: '$[[ inputs.audience ]]' } };
  }
  job.variables = variables;
  job.script = [
    // The runner image has the CLI on PATH; any other image with Node.js gets this exact version from npm.
    `if command -v golden-actions >/dev/null 2>&1; then GA_CLI=golden-actions;` +
      ` elif command -v npx >/dev/null 2>&1; then GA_CLI="npx --yes ${packageName}@$GA_VERSION";` +
      ` else ${missing}; fi`,
    [`$GA_CLI ${name}`, ...flags].join(' '),
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
    stringify({ spec: { inputs } }, { lineWidth: 0 }).trimEnd(),
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
    ['job-image', 'string', 'the runner image of this version'],
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
