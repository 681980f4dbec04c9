import { describe, expect, it } from "vitest";
import { afterLast, injectable, noteCarried, type QueuedRef, selectBatch } from "../../src/runs/batching";
import { interruptedTurnNote } from "../../src/messages/notices";

const user = (id: string, conversationId = 1): QueuedRef => ({ id, kind: "user", conversationId, slash: false });
const slash = (id: string, conversationId = 1): QueuedRef => ({ id, kind: "user", conversationId, slash: true });
const chatTask = (id: string, conversationId = 1): QueuedRef => ({ id, kind: "task_chat", conversationId, slash: false });
const freshTask = (id: string, conversationId = 1): QueuedRef => ({ id, kind: "task_fresh", conversationId, slash: false });
/** A message an event stored (a GitHub event, a trigger): its run asks before every action. */
const event = (id: string, conversationId = 1): QueuedRef => ({ id, kind: "user", conversationId, slash: false, origin: "GitHub: acme/api#7 labelled agent" });

describe("selectBatch", () => {
  it.each([
    ["nothing queued", [], 10, null],
    ["user messages in order", [user("a"), user("b")], 10, { ids: ["a", "b"], context: "chat", conversationId: 1 }],
    ["at most max", [user("a"), user("b"), user("c")], 2, { ids: ["a", "b"], context: "chat", conversationId: 1 }],
    ["a fresh task alone", [freshTask("t"), user("a")], 10, { ids: ["t"], context: "fresh", conversationId: 1 }],
    ["a fresh task keeps its conversation", [freshTask("t", 3)], 10, { ids: ["t"], context: "fresh", conversationId: 3 }],
    ["stops before a fresh task", [user("a"), freshTask("t"), user("b")], 10, { ids: ["a"], context: "chat", conversationId: 1 }],
    ["chat tasks join the conversation", [user("a"), chatTask("t"), user("b")], 10, { ids: ["a", "t", "b"], context: "chat", conversationId: 1 }],
    ["one conversation per batch: the oldest message's", [user("a", 2), user("b", 1), user("c", 2)], 10, { ids: ["a", "c"], context: "chat", conversationId: 2 }],
    ["another conversation's fresh task does not cut the batch", [user("a", 1), freshTask("t", 2), user("b", 1)], 10, { ids: ["a", "b"], context: "chat", conversationId: 1 }],
    ["a slash command goes alone", [slash("s"), user("a")], 10, { ids: ["s"], context: "chat", conversationId: 1 }],
    ["a batch stops before a slash command", [user("a"), slash("s"), user("b")], 10, { ids: ["a"], context: "chat", conversationId: 1 }],
    ["another conversation's slash command does not cut it", [user("a", 1), slash("s", 2), user("b", 1)], 10, { ids: ["a", "b"], context: "chat", conversationId: 1 }],
    ["an event's message goes alone", [event("e"), user("a"), event("f")], 10, { ids: ["e"], context: "chat", conversationId: 1 }],
    ["a batch stops before an event's message", [user("a"), event("e"), user("b")], 10, { ids: ["a"], context: "chat", conversationId: 1 }],
  ] as const)("%s", (_name, queued, max, expected) => {
    expect(selectBatch(queued, max)).toEqual(expected);
  });
});

describe("injectable", () => {
  const chat1 = { context: "chat", conversationId: 1 } as const;
  it.each([
    ["user messages join a chat run", [user("a"), user("b")], chat1, 10, ["a", "b"]],
    ["nothing joins a fresh task's run", [user("a")], { context: "fresh", conversationId: 1 }, 10, []],
    ["tasks never join a live run, nor what follows them", [user("a"), chatTask("t"), user("b")], chat1, 10, ["a"]],
    ["at most max", [user("a"), user("b"), user("c")], chat1, 2, ["a", "b"]],
    ["only the run's conversation", [user("a", 2), user("b", 1), user("c", 2)], chat1, 10, ["b"]],
    ["a slash command is never injected, nor what follows it", [user("a"), slash("s"), user("b")], chat1, 10, ["a"]],
    ["an event's message never joins the user's run, nor what follows it", [user("a"), event("e"), user("b")], chat1, 10, ["a"]],
    ["nothing joins an event's run", [user("a")], { ...chat1, event: true }, 10, []],
  ] as const)("%s", (_name, queued, run, max, expected) => {
    expect(injectable(queued, run, max)).toEqual(expected);
  });
});

describe("noteCarried", () => {
  const note = (positions: number[], total: number) => `[note ${positions.join(",")} of ${total}]`;
  const texts = (...t: string[]) => t.map((text, i) => ({ id: `m${i}`, text }));
  it.each([
    ["none carried: unchanged", texts("a", "b"), [false, false], ["a", "b"]],
    ["one carried, alone", texts("a"), [true], ["a\n\n[note 1 of 1]"]],
    ["one carried, then a new message: the note after both", texts("a", "b"), [true, false], ["a", "b\n\n[note 1 of 2]"]],
    ["two carried and a new one: one note, at the end", texts("a", "b", "c"), [true, true, false], ["a", "b", "c\n\n[note 1,2 of 3]"]],
    ["nothing at all", [], [], []],
  ] as const)("%s", (_name, input, carried, expected) => {
    const out = noteCarried(input, carried, note);
    expect(out.map((m) => m.text)).toEqual(expected);
    expect(out.map((m) => m.id)).toEqual(input.map((m) => m.id));
  });
});

describe("afterLast", () => {
  const texts = (...t: string[]) => t.map((text, i) => ({ id: `m${i}`, text }));
  it.each([
    ["no note: unchanged", texts("a", "b"), null, ["a", "b"]],
    ["one message", texts("a"), "[undone]", ["a\n\n[undone]"]],
    ["after the last of several, once", texts("a", "b", "c"), "[undone]", ["a", "b", "c\n\n[undone]"]],
    ["after a note already there", texts("a", "b\n\n[carried]"), "[undone]", ["a", "b\n\n[carried]\n\n[undone]"]],
    ["nothing at all", [], "[undone]", []],
  ] as const)("%s", (_name, input, note, expected) => {
    const out = afterLast(input, note);
    expect(out.map((m) => m.text)).toEqual(expected);
    expect(out.map((m) => m.id)).toEqual(input.map((m) => m.id));
  });
});

describe("interruptedTurnNote", () => {
  it.each([
    [[1], 1, "this message", "it"],
    [[1, 2, 3], 3, "the 3 messages above", "them"],
    [[1], 2, "the first message above", "it"],
    [[1, 2], 3, "the first 2 messages above", "them"],
    [[2], 3, "message 2 above", "it"],
    [[1, 3, 4], 5, "messages 1, 3 and 4 above", "them"],
  ] as const)("%j of %i: %s", (positions, total, which, pronoun) => {
    expect(interruptedTurnNote(positions, total)).toBe(
      `[relay] You already had ${which} in a turn that was interrupted (the agent VM restarted or the connection was lost) before you answered ${pronoun}. Check what you already did (files, git status, running processes) before redoing anything.`,
    );
  });
});
