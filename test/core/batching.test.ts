import { describe, expect, it } from "vitest";
import { injectable, type QueuedRef, selectBatch } from "../../src/core/batching";

const user = (id: string): QueuedRef => ({ id, kind: "user" });
const chatTask = (id: string): QueuedRef => ({ id, kind: "task_chat" });
const freshTask = (id: string): QueuedRef => ({ id, kind: "task_fresh" });

describe("selectBatch", () => {
  it.each([
    ["nothing queued", [], 10, null],
    ["user messages in order", [user("a"), user("b")], 10, { ids: ["a", "b"], context: "chat" }],
    ["at most max", [user("a"), user("b"), user("c")], 2, { ids: ["a", "b"], context: "chat" }],
    ["a fresh task alone", [freshTask("t"), user("a")], 10, { ids: ["t"], context: "fresh" }],
    ["stops before a fresh task", [user("a"), freshTask("t"), user("b")], 10, { ids: ["a"], context: "chat" }],
    ["chat tasks join the conversation", [user("a"), chatTask("t"), user("b")], 10, { ids: ["a", "t", "b"], context: "chat" }],
  ] as const)("%s", (_name, queued, max, expected) => {
    expect(selectBatch(queued, max)).toEqual(expected);
  });
});

describe("injectable", () => {
  it.each([
    ["user messages join a chat run", [user("a"), user("b")], "chat", 10, ["a", "b"]],
    ["nothing joins a fresh task's run", [user("a")], "fresh", 10, []],
    ["tasks never join a live run, nor what follows them", [user("a"), chatTask("t"), user("b")], "chat", 10, ["a"]],
    ["at most max", [user("a"), user("b"), user("c")], "chat", 2, ["a", "b"]],
  ] as const)("%s", (_name, queued, context, max, expected) => {
    expect(injectable(queued, context, max)).toEqual(expected);
  });
});
