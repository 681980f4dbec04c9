import { describe, expect, it } from "vitest";
import { closedQuestionOf, staleTapReply } from "../../src/agent/stale-tap";
import { UNDO_BUTTONS } from "../../src/changes/run-change";
import { reviewButtons } from "../../src/changes/review-question";
import { SHIP_BUTTONS } from "../../src/github/ship";

describe("a tap on a closed question's button", () => {
  it.each([
    ["/undo's Yes", UNDO_BUTTONS[0].id, "That question is closed: /undo's “take the last change back?”. Your tap changed nothing and went to no agent; send /undo to be asked again."],
    ["/ship's No", SHIP_BUTTONS[1].id, "That question is closed: /ship's “push and open the pull request?”. Your tap changed nothing and went to no agent; send /ship to be asked again."],
    ["“which file?”'s 1", reviewButtons(7, 2)[0]!.id, "That question is closed: “which file?” about your comment. Your tap changed nothing and went to no agent; send the comment again with its file (src/app.ts:12 …)."],
    ["a button this does not know", "something:else", "That button's question is closed. Your tap changed nothing and went to no agent."],
  ])("%s", (_what, payload, expected) => {
    expect(staleTapReply(closedQuestionOf(payload))).toBe(expected);
  });
});
