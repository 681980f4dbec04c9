// /ship: the relay's request, its preview, and what a ship did or why it was refused.
// Part of the relay-to-VM protocol, which both sides import (docs/protocol.md).
import * as z from "zod/mini";
import { GitIdentitySchema } from "./runs";

/** One run of the conversation since its pull request began, as the relay knows it: for the commit and the PR text. */
export const ShipRunSchema = z.object({
  /** The first words of the message that started it. */
  asked: z.string().check(z.minLength(1), z.maxLength(200)),
  /** The agent's reply, cut: where it says how the work was checked. */
  said: z.optional(z.string().check(z.maxLength(4000))),
});
export type ShipRun = z.infer<typeof ShipRunSchema>;

const BranchNameSchema = z.string().check(z.minLength(1), z.maxLength(255), z.regex(/^(?!-)(?!.*\.\.)[A-Za-z0-9._/-]+$/, "a branch name"));

const ShaSchema = z.string().check(z.regex(/^[0-9a-f]{40}(?:[0-9a-f]{24})?$/));

/**
 * What the user was shown and agreed to (the preview's `repo`, `branch`, `head` and `tree`): a
 * ship is refused, naming what changed, when any of them is not what it would push now.
 */
export const ShipExpectedSchema = z.object({
  repo: z.string().check(z.minLength(1), z.maxLength(200)),
  branch: BranchNameSchema,
  head: z.nullable(ShaSchema),
  tree: ShaSchema,
});
export type ShipExpected = z.infer<typeof ShipExpectedSchema>;

/**
 * `POST VM_ROUTES.workspaceShipPreview` and `workspaceShip`. `pull`: the conversation's open pull
 * request the relay knows of (a later /ship updates it); `usedBranches`: branches of its pull
 * requests closed or merged (never pushed to again); `expected`: on a ship, the preview the user
 * agreed to.
 */
export const ShipRequestSchema = z.object({
  /** The conversation's name as the user knows it: its branch is `agent/<name>` (the workspace id without it). */
  conversation: z.optional(z.string().check(z.minLength(1), z.maxLength(64))),
  title: z.optional(z.string().check(z.minLength(1), z.maxLength(200))),
  pull: z.optional(z.nullable(z.object({ number: z.number().check(z.int(), z.positive()), branch: BranchNameSchema }))),
  usedBranches: z.optional(z.array(BranchNameSchema).check(z.maxLength(100))),
  runs: z.optional(z.array(ShipRunSchema).check(z.maxLength(50))),
  gitIdentity: z.optional(GitIdentitySchema),
  expected: z.optional(ShipExpectedSchema),
});
export type ShipRequest = z.infer<typeof ShipRequestSchema>;

const PullClosedSchema = z.object({ number: z.number().check(z.int(), z.positive()), merged: z.boolean() });

/** What a /ship would do: `repo` (`owner/name`), the branch pushed to, the counts against what that branch (or the base) has. */
const SHIP_COUNTS = {
  repo: z.string(),
  branch: BranchNameSchema,
  base: BranchNameSchema,
  files: z.number().check(z.int(), z.nonnegative()),
  insertions: z.number().check(z.int(), z.nonnegative()),
  deletions: z.number().check(z.int(), z.nonnegative()),
};
export const ShipPlanSchema = z.object({
  ...SHIP_COUNTS,
  /** The open pull request it updates; null: it opens one. */
  pull: z.nullable(z.object({ number: z.number().check(z.int(), z.positive()), url: z.string() })),
  /** The conversation's pull request that was closed or merged meanwhile (its branch is not reused). */
  closed: z.nullable(PullClosedSchema),
  /** The workspace's commit (null: none yet) and the tree of its files that a ship would push on it: what the user agrees to. */
  head: z.nullable(ShaSchema),
  tree: ShaSchema,
});
export type ShipPlan = z.infer<typeof ShipPlanSchema>;

/** A /ship done: pushed, and the pull request opened (`created`), adopted (GitHub's 422: one was open for the branch) or updated. */
export const ShipDoneSchema = z.object({
  ...SHIP_COUNTS,
  headSha: ShaSchema,
  pull: z.object({ number: z.number().check(z.int(), z.positive()), url: z.string(), title: z.string() }),
  how: z.enum(["created", "adopted", "updated"]),
  closed: z.nullable(PullClosedSchema),
});
export type ShipDone = z.infer<typeof ShipDoneSchema>;

export const ShipRefusalReasonSchema = z.enum([
  "no_github_remote", // the workspace is not a clone of a repository on GITHUB_URL, or the VM has no GITHUB_TOKEN
  "nothing_to_ship", // nothing differs from what the branch (or the base) has
  "push_protected", // GitHub refused the push: a protected branch
  "push_non_fast_forward", // the branch moved on GitHub meanwhile
  "push_no_permission", // the token may not push to the repository
  "push_failed", // any other refused push
  "token_scope", // the token cannot see the repository or open pull requests (401, 403, 404)
  "pull_failed", // GitHub refused the pull request otherwise
  "preview_changed", // the repository, branch, commit or files differ from the preview the user agreed to
  "pull_not_ours", // GitHub has an open pull request for the branch that the relay did not open: never adopted
]);
export type ShipRefusalReason = z.infer<typeof ShipRefusalReasonSchema>;

/** 422 of a /ship or its preview that did nothing on GitHub (or pushed and then could not open the pull request: `pushed`). */
export const ShipRefusalSchema = z.object({
  error: z.literal("ship_refused"),
  reason: ShipRefusalReasonSchema,
  /** One short line for the user; never credentials. */
  message: z.string().check(z.maxLength(500)),
  pushed: z.optional(z.boolean()),
});
export type ShipRefusal = z.infer<typeof ShipRefusalSchema>;
