/**
 * Every environment variable the product reads or writes, with the reason it does.
 *
 * Layering: the registry is plain data and lives in core, so core, the platforms (src/platform),
 * the actions and the build scripts can all import it while core still imports nothing from the
 * platforms. Code reads variables through `knownEnv()`, whose type only has the names below: a
 * variable used without being registered here does not compile, and test/unit/env-vars.test.ts
 * finds the ones that slip past the type (names built from prefixes, strings in YAML templates).
 * docs/environment.md is generated from this table by `npm run generate`.
 *
 * A name ending in `*` stands for every variable with that prefix.
 */

export type EnvArea = 'github' | 'gitlab' | 'cli' | 'core' | 'build' | 'loop-guard';

export interface EnvVar {
  /** Where it matters: a face, core (every face), the build scripts, or the loop guard's model. */
  area: EnvArea;
  /** `read`: we read it. `write`: we set it for a child program or a job. `child`: we only decide
   * whether a child program inherits it. `model`: a GitLab variable the loop guard evaluates in
   * `rules:if`, never read from our own environment. `sdk`: read by the AWS SDK, named in our
   * messages. */
  use: 'read' | 'write' | 'child' | 'model' | 'sdk';
  why: string;
  /** Never inherited by child programs (git, docker, buildah, helm): a secret only we use. */
  private?: boolean;
  /** Not inherited by child programs unless their builder asks for it (`meantEnv`). */
  programConfig?: boolean;
}

export const ENV_VARS = {
  // Our own variables (all faces).
  'GA_INPUT_*': {
    area: 'cli',
    use: 'read',
    why: 'an input of the CLI (GA_INPUT_ROLE_TO_ASSUME for role-to-assume); the GitLab component passes string inputs this way',
    private: true,
  },
  GA_DEBUG: { area: 'cli', use: 'read', why: '`true` prints debug lines on the CLI and in GitLab jobs' },
  GA_ID_TOKEN: {
    area: 'cli',
    use: 'read',
    why: 'the OIDC token for `role-to-assume` when the CLI runs outside GitHub and GitLab',
    private: true,
  },
  GA_ID_TOKEN_VARIABLE: {
    area: 'gitlab',
    use: 'read',
    why: 'names the `id_tokens` variable that holds the job OIDC token (default GITLAB_OIDC_TOKEN)',
  },
  GA_DOTENV: {
    area: 'gitlab',
    use: 'read',
    why: 'the dotenv report the component job writes its outputs to, so later jobs can read them',
  },
  GA_DOTENV_LIMIT: {
    area: 'gitlab',
    use: 'read',
    why: "how many variables the dotenv report may hold: the instance's limit (default 20)",
  },
  GA_VERSION: {
    area: 'gitlab',
    use: 'write',
    why: "set by the component's script: the CLI in the job image must be this exact version",
  },
  GA_NO_MINIFY: {
    area: 'build',
    use: 'read',
    why: '`1` leaves the bundles in dist/ unminified, for debugging',
  },

  // GitHub runner.
  'INPUT_*': {
    area: 'github',
    use: 'read',
    why: "the step's `with:` inputs, as the runner passes them to a JavaScript action",
    private: true,
  },
  ACTIONS_ID_TOKEN_REQUEST_URL: {
    area: 'github',
    use: 'read',
    why: 'where to ask for an OIDC token; set only with `permissions: id-token: write`',
    private: true,
  },
  ACTIONS_ID_TOKEN_REQUEST_TOKEN: {
    area: 'github',
    use: 'read',
    why: 'the bearer token for that OIDC request',
    private: true,
  },
  GITHUB_ACTIONS: {
    area: 'cli',
    use: 'read',
    why: '`true` when the CLI runs inside a GitHub step: its output must not be read as workflow commands',
  },
  GITHUB_EVENT_NAME: {
    area: 'github',
    use: 'read',
    why: 'the event that started the run (push, pull_request, …)',
  },
  GITHUB_EVENT_PATH: {
    area: 'github',
    use: 'read',
    why: 'the webhook payload: pull request heads, the commit before a push, repository metadata',
  },
  GITHUB_REF: {
    area: 'github',
    use: 'read',
    why: 'the branch or tag of the run, for tag rules and the context',
  },
  GITHUB_SHA: { area: 'github', use: 'read', why: 'the commit the run builds' },
  GITHUB_BASE_REF: { area: 'github', use: 'read', why: "a pull request's target branch" },
  GITHUB_REPOSITORY: { area: 'github', use: 'read', why: '`owner/name` of the repository the run builds' },
  GITHUB_SERVER_URL: {
    area: 'github',
    use: 'read',
    why: 'the GitHub server (github.com or an Enterprise Server)',
  },
  GITHUB_API_URL: { area: 'github', use: 'read', why: 'its REST API, for pull requests and API commits' },
  GITHUB_WORKSPACE: {
    area: 'github',
    use: 'read',
    why: 'the checkout, against which path inputs are resolved',
  },
  GITHUB_OUTPUT: { area: 'github', use: 'read', why: 'the file command that step outputs are appended to' },
  GITHUB_STEP_SUMMARY: { area: 'github', use: 'read', why: 'the file command for the Markdown job summary' },
  RUNNER_TEMP: {
    area: 'github',
    use: 'read',
    why: "the runner's scratch folder, emptied after each job (the CLI uses it too when set)",
  },
  RUNNER_DEBUG: {
    area: 'cli',
    use: 'read',
    why: '`1` when step debug logging is on: debug lines are printed',
  },

  // GitLab job.
  GITLAB_CI: { area: 'cli', use: 'read', why: '`true` in a GitLab job: the CLI takes the GitLab face' },
  GITLAB_OIDC_TOKEN: {
    area: 'gitlab',
    use: 'read',
    why: "the job OIDC token the component declares in `id_tokens` (the audience is the component's input)",
    private: true,
  },
  CI_PROJECT_DIR: {
    area: 'gitlab',
    use: 'read',
    why: 'the checkout, against which path inputs are resolved',
  },
  CI_PROJECT_PATH: {
    area: 'gitlab',
    use: 'read',
    why: "`group/project` of the pipeline's project (the loop guard also recognises it in a bump's `repository`)",
  },
  CI_PROJECT_NAME: { area: 'gitlab', use: 'read', why: 'project name, for OCI labels' },
  CI_PROJECT_DESCRIPTION: { area: 'gitlab', use: 'read', why: 'project description, for OCI labels' },
  CI_PROJECT_URL: { area: 'gitlab', use: 'read', why: 'project URL, for OCI labels' },
  CI_SERVER_URL: { area: 'gitlab', use: 'read', why: 'the GitLab instance, for git remotes and authors' },
  CI_API_V4_URL: { area: 'gitlab', use: 'read', why: 'its REST API, for merge requests and API commits' },
  CI_JOB_TOKEN: {
    area: 'gitlab',
    use: 'read',
    why: "the job's token, the default for pushes to this project (the loop guard knows its pushes start no pipeline)",
  },
  CI_PIPELINE_SOURCE: {
    area: 'gitlab',
    use: 'read',
    why: 'what started the pipeline (push, merge_request_event, schedule, …); the loop guard sets it to push',
  },
  CI_COMMIT_SHA: { area: 'gitlab', use: 'read', why: 'the commit the pipeline builds' },
  CI_COMMIT_BEFORE_SHA: {
    area: 'gitlab',
    use: 'read',
    why: 'the previous head of the branch, to compare a push with',
  },
  CI_COMMIT_TIMESTAMP: { area: 'gitlab', use: 'read', why: 'commit time, for timestamp tags and OCI labels' },
  CI_COMMIT_TAG: {
    area: 'gitlab',
    use: 'read',
    why: 'the tag of a tag pipeline (the loop guard: unset for a push)',
  },
  CI_COMMIT_BRANCH: {
    area: 'gitlab',
    use: 'read',
    why: "the branch of a branch pipeline (the loop guard: the writer's branch)",
  },
  CI_COMMIT_REF_NAME: {
    area: 'gitlab',
    use: 'read',
    why: 'branch or tag name, when no other variable names it',
  },
  CI_DEFAULT_BRANCH: { area: 'gitlab', use: 'read', why: "the project's default branch" },
  CI_MERGE_REQUEST_IID: { area: 'gitlab', use: 'read', why: 'the merge request of a merge request pipeline' },
  CI_MERGE_REQUEST_SOURCE_BRANCH_NAME: {
    area: 'gitlab',
    use: 'read',
    why: "a merge request's source branch",
  },
  CI_MERGE_REQUEST_SOURCE_BRANCH_SHA: { area: 'gitlab', use: 'read', why: "a merge request's head commit" },
  CI_MERGE_REQUEST_TARGET_BRANCH_NAME: {
    area: 'gitlab',
    use: 'read',
    why: "a merge request's target branch",
  },
  CI_SERVER_FQDN: {
    area: 'gitlab',
    use: 'write',
    why: "the instance's host, in the component's default OIDC audience",
  },
  CI_REGISTRY: {
    area: 'gitlab',
    use: 'write',
    why: "the instance's container registry, in the component's default runner image",
  },
  'CI_MERGE_REQUEST_*': {
    area: 'loop-guard',
    use: 'model',
    why: 'unset in the push pipeline a writer starts, so `if:` rules on them are false',
  },
  'CI_EXTERNAL_PULL_REQUEST_*': {
    area: 'loop-guard',
    use: 'model',
    why: 'unset in a push pipeline, like the merge request variables',
  },
  CI_COMMIT_MESSAGE: {
    area: 'loop-guard',
    use: 'model',
    why: "the writer's commit message, when known, so `if:` rules that skip bot commits count",
  },
  CI_COMMIT_TITLE: {
    area: 'loop-guard',
    use: 'model',
    why: "the writer's commit message, as for CI_COMMIT_MESSAGE",
  },
  CI_COMMIT_DESCRIPTION: {
    area: 'loop-guard',
    use: 'model',
    why: "the writer's commit message, as for CI_COMMIT_MESSAGE",
  },

  // AWS (read by us; the SDK reads its own AWS_* variables as well).
  AWS_REGION: {
    area: 'core',
    use: 'read',
    why: 'the region when the `aws-region` input and the registry host give none',
  },
  AWS_DEFAULT_REGION: { area: 'core', use: 'read', why: 'the same, under its older name' },
  AWS_CA_BUNDLE: {
    area: 'core',
    use: 'read',
    why: 'extra CA certificates for AWS endpoints, as the AWS CLI and SDKs honour it',
  },
  AWS_ACCESS_KEY_ID: {
    area: 'core',
    use: 'sdk',
    why: "with AWS_SECRET_ACCESS_KEY, the SDK's default credentials when `role-to-assume` is empty",
  },
  AWS_SECRET_ACCESS_KEY: { area: 'core', use: 'sdk', why: 'the secret half of those credentials' },
  AWS_WEB_IDENTITY_TOKEN_FILE: {
    area: 'core',
    use: 'sdk',
    why: "a web identity token file, another of the SDK's default credentials",
  },
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: {
    area: 'core',
    use: 'write',
    why: "set when unset: the bundled SDK's Node version warning is noise in every job log",
  },

  // Network.
  http_proxy: {
    area: 'core',
    use: 'read',
    why: 'proxy for http:// URLs, read as curl reads it: this name first, then HTTP_PROXY',
  },
  https_proxy: { area: 'core', use: 'read', why: 'proxy for https:// URLs (then HTTPS_PROXY)' },
  all_proxy: {
    area: 'core',
    use: 'read',
    why: 'proxy for URLs whose scheme has none of its own (then ALL_PROXY)',
  },
  no_proxy: {
    area: 'core',
    use: 'read',
    why: 'hosts, domains, addresses and CIDR blocks reached directly (then NO_PROXY)',
  },

  // Registry credentials and container programs.
  HOME: { area: 'core', use: 'read', why: 'where ~/.docker/config.json is when DOCKER_CONFIG is unset' },
  DOCKER_CONFIG: {
    area: 'core',
    use: 'write',
    why: "docker's config folder: read for credentials; set to a private copy for the docker builder's login",
    programConfig: true,
  },
  REGISTRY_AUTH_FILE: {
    area: 'core',
    use: 'read',
    why: 'the containers auth file buildah and podman use; read for credentials and passed to buildah',
    programConfig: true,
  },
  XDG_RUNTIME_DIR: { area: 'core', use: 'read', why: 'where the containers auth file is by default' },
  XDG_CONFIG_HOME: { area: 'core', use: 'read', why: 'where the fallback containers auth file is' },
  BUILDX_CONFIG: {
    area: 'core',
    use: 'write',
    why: "buildx's own folder, kept at the user's when DOCKER_CONFIG points at our private copy",
  },
  DOCKER_BUILDKIT: {
    area: 'core',
    use: 'write',
    why: '`1` for buildx; `0` when falling back to the classic builder',
    programConfig: true,
  },
  DOCKER_HOST: {
    area: 'core',
    use: 'child',
    why: 'the daemon the docker builder talks to',
    programConfig: true,
  },
  DOCKER_CONTEXT: { area: 'core', use: 'child', why: 'the docker context to use', programConfig: true },
  DOCKER_CERT_PATH: {
    area: 'core',
    use: 'child',
    why: 'TLS certificates for a remote daemon',
    programConfig: true,
  },
  DOCKER_TLS_VERIFY: { area: 'core', use: 'child', why: 'TLS for a remote daemon', programConfig: true },
  BUILDAH_ISOLATION: {
    area: 'core',
    use: 'child',
    why: "buildah's isolation, which runners set once",
    programConfig: true,
  },
  'REGISTRY_*': {
    area: 'core',
    use: 'child',
    why: 'docker-registry reads every one as configuration: kept from children',
    programConfig: true,
  },
  'DOCKER_*': {
    area: 'core',
    use: 'child',
    why: 'docker settings (DOCKER_CONTENT_TRUST would change what is pushed): kept from children',
    programConfig: true,
  },
  'BUILDAH_*': {
    area: 'core',
    use: 'child',
    why: 'buildah settings (BUILDAH_FORMAT would change what is pushed): kept from children',
    programConfig: true,
  },
  DOCKER_METADATA_SHORT_SHA_LENGTH: {
    area: 'core',
    use: 'read',
    why: "the length of `{{sha}}` in tags, under docker/metadata-action's name for it",
  },
  SOURCE_DATE_EPOCH: {
    area: 'core',
    use: 'read',
    why: "the chart's creation time, as the reproducible-builds convention sets it",
  },

  // git.
  GIT_TERMINAL_PROMPT: {
    area: 'core',
    use: 'write',
    why: '`0`: git fails instead of waiting for a password',
  },
  GIT_PROTOCOL: {
    area: 'core',
    use: 'write',
    why: '`version=2`: protocol v2, so fetches ask only for the refs they need',
  },
  GIT_CONFIG_COUNT: {
    area: 'core',
    use: 'write',
    why: 'git config passed in the environment (the auth header), so the token is in no argv, URL or file',
  },
  'GIT_CONFIG_KEY_*': { area: 'core', use: 'write', why: 'the keys of that config' },
  'GIT_CONFIG_VALUE_*': { area: 'core', use: 'write', why: 'the values of that config' },
} as const satisfies Record<string, EnvVar>;

type Registered = keyof typeof ENV_VARS;

/** The `id_tokens` variable the GitLab component declares, and where the GitLab face looks first. */
export const GITLAB_ID_TOKEN_VARIABLE = 'GITLAB_OIDC_TOKEN' satisfies Registered;

/** A single registered variable (not a `*` prefix). */
export type EnvName = Exclude<Registered, `${string}*`>;
/** A registered prefix, without its `*`. */
export type EnvPrefix = Extract<Registered, `${string}*`> extends `${infer P}*` ? P : never;

/** The environment as the product may read it: only registered names. */
export type KnownEnv = { readonly [K in EnvName]?: string };

/** Registered variables the product may set (for a child program, or its own SDK). */
export type EnvWrites = { [K in EnvName]?: string };

/** The environment (process.env by default), typed so that only registered names can be read. */
export function knownEnv(env: NodeJS.ProcessEnv = process.env): KnownEnv {
  return env;
}

/** A variable under a registered prefix (`INPUT_` + `ROLE-TO-ASSUME`), or one named at run time. */
export function prefixedEnv(
  env: NodeJS.ProcessEnv | KnownEnv,
  prefix: EnvPrefix | '',
  rest: string,
): string | undefined {
  return (env as NodeJS.ProcessEnv)[`${prefix}${rest}`];
}

const names = Object.keys(ENV_VARS) as Registered[];
const matcher = (pick: (v: EnvVar) => boolean | undefined) =>
  new RegExp(
    `^(${names
      .filter((name) => pick(ENV_VARS[name]))
      .map((name) => (name.endsWith('*') ? name.slice(0, -1) : `${name}$`))
      .join('|')})`,
  );

/** Variables child programs never inherit. */
export const PRIVATE_ENV = matcher((v) => v.private);
/** Variables child programs inherit only when their builder asks for them. */
export const PROGRAM_CONFIG_ENV = matcher((v) => v.programConfig);

/** Whether a name is registered, itself or under a prefix. */
export function isRegistered(name: string): boolean {
  return names.some((entry) => (entry.endsWith('*') ? name.startsWith(entry.slice(0, -1)) : entry === name));
}
