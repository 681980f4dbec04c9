// The pull requests the relay opened (/ship): what GitHub's events about them are matched against.
import * as z from "zod/mini";
import type { Sql } from "./sql";

const PullRequestStateSchema = z.enum(["open", "closed", "merged"]);
export type PullRequestState = z.infer<typeof PullRequestStateSchema>;

type PullRequestRow = {
  id: number;
  conversation_id: number;
  repo: string;
  number: number;
  branch: string;
  url: string;
  state: string;
  head_sha: string | null;
  autofix_count: number;
  created_at: number;
  updated_at: number;
};

export type PullRequest = {
  id: number;
  conversationId: number;
  /** owner/name. */
  repo: string;
  number: number;
  branch: string;
  url: string;
  state: PullRequestState;
  headSha: string | null;
  /** Fix runs /autofix started for it. */
  autofixCount: number;
  createdAt: number;
  updatedAt: number;
};

function toPullRequest(row: PullRequestRow): PullRequest {
  return {
    id: row.id,
    conversationId: row.conversation_id,
    repo: row.repo,
    number: row.number,
    branch: row.branch,
    url: row.url,
    state: PullRequestStateSchema.parse(row.state),
    headSha: row.head_sha,
    autofixCount: row.autofix_count,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function createPullRequestsRepo(sql: Sql) {
  return {
    /** Records a pull request the relay opened; an existing one (same repository and number) is updated instead. */
    upsert(p: { conversationId: number; repo: string; number: number; branch: string; url: string; headSha: string | null; now: number }): PullRequest {
      sql`INSERT INTO pull_requests (conversation_id, repo, number, branch, url, state, head_sha, created_at, updated_at)
        VALUES (${p.conversationId}, ${p.repo}, ${p.number}, ${p.branch}, ${p.url}, 'open', ${p.headSha}, ${p.now}, ${p.now})
        ON CONFLICT (repo COLLATE NOCASE, number) DO UPDATE SET conversation_id = excluded.conversation_id, branch = excluded.branch, url = excluded.url, state = 'open', head_sha = excluded.head_sha, updated_at = excluded.updated_at`;
      return this.byNumber(p.repo, p.number)!;
    },
    byNumber(repo: string, number: number): PullRequest | null {
      const row = sql<PullRequestRow>`SELECT * FROM pull_requests WHERE repo = ${repo} COLLATE NOCASE AND number = ${number}`[0];
      return row ? toPullRequest(row) : null;
    },
    /** The open pull request of `branch` in `repo` (a check suite names its branch when it names no pull request). */
    openByBranch(repo: string, branch: string): PullRequest | null {
      const row = sql<PullRequestRow>`SELECT * FROM pull_requests WHERE repo = ${repo} COLLATE NOCASE AND branch = ${branch} AND state = 'open' ORDER BY id DESC LIMIT 1`[0];
      return row ? toPullRequest(row) : null;
    },
    /** The conversation's open pull request, if any (a later /ship updates it). */
    openOf(conversationId: number): PullRequest | null {
      const row = sql<PullRequestRow>`SELECT * FROM pull_requests WHERE conversation_id = ${conversationId} AND state = 'open' ORDER BY id DESC LIMIT 1`[0];
      return row ? toPullRequest(row) : null;
    },
    setState(id: number, state: PullRequestState, now: number): void {
      sql`UPDATE pull_requests SET state = ${state}, updated_at = ${now} WHERE id = ${id}`;
    },
    setHeadSha(id: number, headSha: string, now: number): void {
      sql`UPDATE pull_requests SET head_sha = ${headSha}, updated_at = ${now} WHERE id = ${id}`;
    },
    /** Counts one more fix run started by /autofix. */
    countAutofix(id: number, now: number): void {
      sql`UPDATE pull_requests SET autofix_count = autofix_count + 1, updated_at = ${now} WHERE id = ${id}`;
    },
  };
}
export type PullRequestsRepo = ReturnType<typeof createPullRequestsRepo>;
