// /ship's relay side, pure: the answer to its question, when the question still holds, the runs sent
// to the VM, and the lines the user reads.
import { describe, expect, it } from "vitest";
import { parseShipAnswer, SHIP_BUTTONS, shipDoneReply, shipQuestion, shipQuestionOf, shipRefused, shipRunsOf } from "../../src/github/ship";
import { isOpen, matchQuestion } from "../../src/questions/questions";

describe("parseShipAnswer", () => {
  it.each([
    ["Ship", "ship:yes", "yes"],
    ["Cancel", "ship:no", "no"],
    ["Yes", "undo:yes", null],
    ["yes", null, "yes"],
    [" Y! ", null, "yes"],
    ["ship", null, "yes"],
    ["no", null, "no"],
    ["cancel.", null, "no"],
    ["yes please add tests", null, null],
    ["", null, null],
  ])("%j (button %j) → %j", (text, payload, answer) => {
    expect(parseShipAnswer(text, payload)).toBe(answer);
  });
});

describe("/ship's question", () => {
  const q = { ...shipQuestionOf(1, 100), id: 1, closedAt: null };
  it.each([
    [false, null, true],
    [false, 50, true],
    [false, 150, false],
    [true, 50, false],
  ])("run open %j, last run %j → open %j", (runOpen, lastRunStartedAt, open) => {
    expect(isOpen(q, 1000, () => ({ runOpen, lastRunStartedAt }))).toBe(open);
  });
  it.each([
    ["Ship", "ship:yes", "yes"],
    ["Cancel", "ship:no", "no"],
    ["yes", null, "yes"],
    [" Y! ", null, "yes"],
    ["ship", null, "yes"],
    ["cancel", null, "no"],
    ["ship it now", null, null],
  ])("reads %j (button %j) as %j", (text, payload, answer) => {
    const m = matchQuestion({ body: text, buttonPayload: payload, hasMedia: false, conversationId: q.conversationId }, [q], 1000, () => ({ runOpen: false, lastRunStartedAt: null }));
    expect(m.kind === "answer" ? m.value : null).toBe(answer);
  });
  it("holds the buttons /ship shows", () => expect(Object.keys(q.buttons)).toEqual(SHIP_BUTTONS.map((b) => b.id)));
});

it("shipRunsOf: the first words of each run, its reply when there was one, runs without words left out", () => {
  expect(shipRunsOf([{ firstMessage: "add a\nhealth endpoint", reply: "Done, tests pass." }, { firstMessage: null, reply: "x" }, { firstMessage: "more", reply: null }])).toEqual([
    { asked: "add a health endpoint", said: "Done, tests pass." },
    { asked: "more" },
  ]);
  expect(shipRunsOf(Array.from({ length: 60 }, (_, i) => ({ firstMessage: `run ${i}`, reply: null })))).toHaveLength(50);
});

describe("lines", () => {
  const plan = { repo: "acme/api", branch: "agent/api", base: "main", files: 3, insertions: 120, deletions: 14, pull: null, closed: null, head: null, tree: "b".repeat(40) };
  it("the question names the repository, branch, files and counts", () => {
    expect(shipQuestion(plan)).toBe("Push 3 files, +120 −14, to `agent/api` on acme/api and open a pull request?");
    expect(shipQuestion({ ...plan, files: 1, pull: { number: 12, url: "u" } })).toBe("Push 1 file, +120 −14, to `agent/api` on acme/api and update pull request #12?");
    expect(shipQuestion({ ...plan, branch: "agent/api-2", closed: { number: 12, merged: true } })).toBe(
      "Pull request #12 was merged meanwhile, so this goes to a new branch. Push 3 files, +120 −14, to `agent/api-2` on acme/api and open a pull request?",
    );
  });
  it("the reply is the link, title and counts", () => {
    const done = { ...plan, headSha: "a".repeat(40), pull: { number: 7, url: "https://github.com/acme/api/pull/7", title: "Health" }, how: "created" as const };
    expect(shipDoneReply(done)).toBe("🚀 Opened pull request #7 “Health”: 3 files, +120 −14 on `agent/api` → main.\nhttps://github.com/acme/api/pull/7");
    expect(shipDoneReply({ ...done, how: "updated" })).toMatch(/^🚀 Updated pull request #7/);
    expect(shipRefused("the VM's token may not push to acme/api.", false)).toBe("Not shipped: the VM's token may not push to acme/api.");
    expect(shipRefused("GitHub answered 403", true)).toBe("⚠️ Pushed, but no pull request: GitHub answered 403");
  });
});
