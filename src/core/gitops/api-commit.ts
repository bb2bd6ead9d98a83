/**
 * `commit-via: api`: the bump commit is written by the platform's API, which signs it (a branch that
 * requires verified commits accepts it). Each call names the head the edit was computed on, so a
 * branch that moved in between is refused, and the bump loop retries from the fresh head exactly
 * as it does for a rejected push. File contents are sent as bytes (base64), never re-encoded.
 *
 * GitHub: GraphQL `createCommitOnBranch` with `expectedHeadOid`. GitLab: the Commits API with
 * `last_commit_id`.
 */
import { UserError } from '../errors.ts';
import { GitLabApi, GitLabApiError } from '../gitlab/api.ts';
import type { Logger } from '../log.ts';
import type { GitHubClient } from './github-client.ts';

export interface ApiCommitInput {
  branch: string;
  /** The commit the edit was computed on: the branch must still point at it. */
  expectedHead: string;
  message: string;
  files: { path: string; text: string }[];
  author: { name: string; email: string };
}

export type ApiCommitOutcome = { ok: true; oid: string } | { ok: false; retryable: boolean; reason: string };

export interface ApiCommitter {
  commit(input: ApiCommitInput): Promise<ApiCommitOutcome>;
}

interface GraphQlError {
  type?: string;
  message?: string;
}

export class GitHubApiCommitter implements ApiCommitter {
  constructor(
    private readonly client: GitHubClient,
    private readonly repository: { owner: string; repo: string },
  ) {}

  async commit(input: ApiCommitInput): Promise<ApiCommitOutcome> {
    const [headline, ...rest] = input.message.replace(/\n+$/, '').split('\n');
    const body = rest.join('\n').replace(/^\n+/, '');
    const variables = {
      input: {
        branch: {
          repositoryNameWithOwner: `${this.repository.owner}/${this.repository.repo}`,
          branchName: input.branch,
        },
        expectedHeadOid: input.expectedHead,
        message: { headline, ...(body ? { body } : {}) },
        fileChanges: {
          additions: input.files.map((f) => ({
            path: f.path,
            contents: Buffer.from(f.text, 'utf8').toString('base64'),
          })),
        },
      },
    };
    // GitHub sets author and committer from the token (the App's bot) and signs the commit.
    const result = await this.client.graphql<{ createCommitOnBranch: { commit: { oid: string } } | null }>(
      `mutation ($input: CreateCommitOnBranchInput!) { createCommitOnBranch(input: $input) { commit { oid url } } }`,
      variables,
    );
    if (result.ok) {
      const oid = result.data.createCommitOnBranch?.commit.oid;
      if (!oid) throw new UserError('GitHub createCommitOnBranch returned no commit');
      return { ok: true, oid };
    }
    const reason = result.errors.map((e) => e.message ?? e.type).join('; ');
    return { ok: false, retryable: result.errors.some(isMovedHead), reason };
  }
}

function isMovedHead(error: GraphQlError): boolean {
  return (
    error.type === 'STALE_DATA' || /expected branch to point to|expectedHeadOid/i.test(error.message ?? '')
  );
}

export class GitLabApiCommitter implements ApiCommitter {
  constructor(
    private readonly api: GitLabApi,
    private readonly project: string,
    private readonly logger: Logger,
  ) {}

  async commit(input: ApiCommitInput): Promise<ApiCommitOutcome> {
    try {
      const commit = await this.api.request<{ id: string }>(
        'POST',
        `/projects/${GitLabApi.project(this.project)}/repository/commits`,
        {
          branch: input.branch,
          commit_message: input.message,
          last_commit_id: input.expectedHead,
          author_name: input.author.name,
          author_email: input.author.email,
          actions: input.files.map((f) => ({
            action: 'update',
            file_path: f.path,
            encoding: 'base64',
            content: Buffer.from(f.text, 'utf8').toString('base64'),
          })),
        },
      );
      return { ok: true, oid: commit.id };
    } catch (error) {
      // GitLab answers a stale last_commit_id with 400 and a message about the branch having moved.
      if (
        error instanceof GitLabApiError &&
        error.status === 400 &&
        /changed since|last_commit_id/i.test(error.message)
      ) {
        this.logger.debug(error.message);
        return { ok: false, retryable: true, reason: error.message };
      }
      throw error;
    }
  }
}
