// The pull requests /ship opened or adopted (migrations/0019_pull_requests.sql): which are the
// relay's, of which conversation, on which branch, in which state. /ship reads and writes them; the
// GitHub webhook reads them to know a pull request is ours (`byNumber`) and keeps their state and
// autofix count. (/ship's open question is a row of questions/, with the preview it asked about.)
import * as z from "zod/mini";
import type { Sql } from "../shared/sql";

const PullStateSchema = z.enum(["open", "closed", "merged"]);
export type PullState = z.infer<typeof PullStateSchema>;

export type PullRequest = {
  id: number;
  conversationId: number;
  /** `owner/name`, lowercased as the VM records it. */
  repo: string;
  number: number;
  branch: string;
  url: string;
  state: PullState;
  /** The commit the last /ship pushed (or the webhook last saw). */
  headSha: string | null;
  /** Fix runs /autofix started for it. */
  autofixCount: number;
  /** When /ship last pushed to it: the runs after belong to the next pull request once it ends. */
  shippedAt: number;
  createdAt: number;
  updatedAt: number;
};

type Row = {
  id: number;
  conversation_id: number;
  repo: string;
  number: number;
  branch: string;
  url: string;
  state: string;
  head_sha: string | null;
  autofix_count: number;
  shipped_at: number;
  created_at: number;
  updated_at: number;
};

const toPull = (r: Row): PullRequest => ({
  id: r.id,
  conversationId: r.conversation_id,
  repo: r.repo,
  number: r.number,
  branch: r.branch,
  url: r.url,
  state: PullStateSchema.parse(r.state),
  headSha: r.head_sha,
  autofixCount: r.autofix_count,
  shippedAt: r.shipped_at,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export function createPullRequestsRepo(sql: Sql) {
  return {
    /** The conversation's open pull request (a /ship updates it), or null. */
    openOf(conversationId: number): PullRequest | null {
      const row = sql<Row>`SELECT * FROM pull_requests WHERE conversation_id = ${conversationId} AND state = 'open' ORDER BY id DESC LIMIT 1`[0];
      return row ? toPull(row) : null;
    },
    /** Its pull requests, oldest first. */
    ofConversation: (conversationId: number): PullRequest[] => sql<Row>`SELECT * FROM pull_requests WHERE conversation_id = ${conversationId} ORDER BY id`.map(toPull),
    /** Whether `repo`'s pull request `number` is one the relay opened, and whose. */
    byNumber(repo: string, number: number): PullRequest | null {
      const row = sql<Row>`SELECT * FROM pull_requests WHERE repo = ${repo.toLowerCase()} AND number = ${number}`[0];
      return row ? toPull(row) : null;
    },
    /** Branches of its closed and merged pull requests: never pushed to again. */
    usedBranches: (conversationId: number): string[] =>
      sql<{ branch: string }>`SELECT DISTINCT branch FROM pull_requests WHERE conversation_id = ${conversationId} AND state != 'open'`.map((r) => r.branch),
    /** A /ship pushed `headSha` to the pull request (opened, adopted or updated): it is open, and the conversation's. */
    shipped(p: { conversationId: number; repo: string; number: number; branch: string; url: string; headSha: string | null; now: number }): PullRequest {
      sql`INSERT INTO pull_requests (conversation_id, repo, number, branch, url, state, head_sha, shipped_at, created_at, updated_at)
        VALUES (${p.conversationId}, ${p.repo.toLowerCase()}, ${p.number}, ${p.branch}, ${p.url}, 'open', ${p.headSha}, ${p.now}, ${p.now}, ${p.now})
        ON CONFLICT (repo, number) DO UPDATE SET conversation_id = excluded.conversation_id, branch = excluded.branch, url = excluded.url,
          state = 'open', head_sha = excluded.head_sha, shipped_at = excluded.shipped_at, updated_at = excluded.updated_at`;
      return this.byNumber(p.repo, p.number)!;
    },
    /** The open pull request of `branch` in `repo` (a check suite names its branch when it names no pull request). */
    openByBranch(repo: string, branch: string): PullRequest | null {
      const row = sql<Row>`SELECT * FROM pull_requests WHERE repo = ${repo.toLowerCase()} AND branch = ${branch} AND state = 'open' ORDER BY id DESC LIMIT 1`[0];
      return row ? toPull(row) : null;
    },
    /** Closed or merged (seen by /ship or the webhook), or reopened. */
    setState(id: number, state: PullState, now: number): void {
      sql`UPDATE pull_requests SET state = ${state}, updated_at = ${now} WHERE id = ${id}`;
    },
    /** The head the webhook last saw. */
    setHeadSha(id: number, headSha: string, now: number): void {
      sql`UPDATE pull_requests SET head_sha = ${headSha}, updated_at = ${now} WHERE id = ${id}`;
    },
    /** One more fix run started by /autofix. */
    countAutofix(id: number, now: number): void {
      sql`UPDATE pull_requests SET autofix_count = autofix_count + 1, updated_at = ${now} WHERE id = ${id}`;
    },
  };
}
export type PullRequestsRepo = ReturnType<typeof createPullRequestsRepo>;
