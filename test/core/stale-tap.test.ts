import { describe, expect, it } from "vitest";
import { closedQuestionOf, staleTapReply } from "../../src/agent/stale-tap";

describe("a tap on a closed question's button", () => {
  it.each([
    ["/undo's", "undo" as const, "That question is closed: /undo's “take the last change back?”. Your tap changed nothing and went to no agent; send /undo to be asked again."],
    ["/ship's", "ship" as const, "That question is closed: /ship's “push and open the pull request?”. Your tap changed nothing and went to no agent; send /ship to be asked again."],
    ["“which file?”", "review_file" as const, "That question is closed: “which file?” about your comment. Your tap changed nothing and went to no agent; send the comment again with its file (src/app.ts:12 …)."],
    ["a button no question holds", null, "That button's question is closed. Your tap changed nothing and went to no agent."],
  ])("%s", (_what, kind, expected) => {
    expect(staleTapReply(closedQuestionOf(kind))).toBe(expected);
  });

  it("leaves the kinds whose capability answers a late tap itself unnamed", () => {
    for (const kind of ["approval", "github_fix", "handoff_away", "handoff_conflict"] as const) expect(closedQuestionOf(kind)).toBeNull();
  });
});
