import { describe, expect, it } from "vitest";
import { ackQueued } from "../../src/messages/notices";
import { ACK_TEXT, checkReplies, isAck, isClean, type Outbound } from "../lib/reply-check";

const A = "+15550000001";
const B = "+15550000002";
const to = (phone: string, body: string | null): Outbound => ({ to: `whatsapp:${phone}`, body });

describe("checkReplies", () => {
  const expected = new Map([
    [A, ["a1", "a2", "a3"]],
    [B, ["b1"]],
  ]);

  it.each([
    {
      name: "one reply per message, in order",
      sent: [to(A, "echo: a1"), to(B, "echo: b1"), to(A, "echo: a2"), to(A, "echo: a3")],
      want: { answeredOnce: 4, lost: 0, duplicated: 0, reorderedPhones: 0, unexpected: 0, replies: 4, batchedReplies: 0 },
    },
    {
      name: "a turn answering several messages, with an acknowledgement between",
      sent: [to(A, "echo: a1"), to(A, ACK_TEXT), to(A, "echo: a2 | a3"), to(B, "echo: b1")],
      want: { answeredOnce: 4, lost: 0, acks: 1, replies: 3, batchedReplies: 1, reorderedPhones: 0 },
    },
    {
      name: "acknowledgements that say how many messages wait",
      sent: [to(A, "echo: a1"), to(A, ackQueued(2)), to(A, ackQueued(37)), to(A, "echo: a2 | a3"), to(B, "echo: b1")],
      want: { answeredOnce: 4, acks: 2, unexpected: 0, replies: 3 },
    },
    {
      name: "a message never answered",
      sent: [to(A, "echo: a1"), to(A, "echo: a3"), to(B, "echo: b1")],
      want: { answeredOnce: 3, lost: 1, reorderedPhones: 0, lostTexts: ["a2"] },
    },
    {
      name: "a message answered twice",
      sent: [to(A, "echo: a1 | a2"), to(A, "echo: a2"), to(A, "echo: a3"), to(B, "echo: b1")],
      want: { answeredOnce: 3, duplicated: 1, reorderedPhones: 0, duplicatedTexts: ["a2"] },
    },
    {
      name: "answers out of order",
      sent: [to(A, "echo: a2"), to(A, "echo: a1"), to(A, "echo: a3"), to(B, "echo: b1")],
      want: { answeredOnce: 4, reorderedPhones: 1 },
    },
    {
      name: "out of order inside one batched turn",
      sent: [to(A, "echo: a1 | a3 | a2"), to(B, "echo: b1")],
      want: { answeredOnce: 4, reorderedPhones: 1 },
    },
    {
      name: "an echo nobody sent and a body that is neither echo nor ack",
      sent: [to(A, "echo: a1 | zz"), to(A, "echo: a2"), to(A, "echo: a3"), to(B, "⚠️ failed"), to(B, "echo: b1")],
      want: { answeredOnce: 4, unexpected: 2 },
    },
    {
      name: "replies to phones outside the check are ignored",
      sent: [to("+15559999999", "echo: x"), to(A, "echo: a1"), to(A, "echo: a2"), to(A, "echo: a3"), to(B, "echo: b1")],
      want: { answeredOnce: 4, unexpected: 0, replies: 4 },
    },
    {
      name: "nothing sent at all",
      sent: [],
      want: { answeredOnce: 0, lost: 4, reorderedPhones: 0 },
    },
  ])("$name", ({ sent, want }) => {
    const check = checkReplies(expected, sent);
    expect(check).toMatchObject({ messages: 4, ...want });
  });

  it("does not count a refused webhook's missing reply as lost, but does count it answered twice", () => {
    const refused = new Set(["a2", "b1"]);
    const check = checkReplies(expected, [to(A, "echo: a1"), to(A, "echo: a3"), to(B, "echo: b1"), to(B, "echo: b1")], refused);
    expect(check).toMatchObject({ lost: 0, refusedUnanswered: 1, duplicated: 1, answeredOnce: 2 });
  });

  it("calls a run clean only with nothing lost, duplicated, reordered or unexpected", () => {
    const clean = checkReplies(expected, [to(A, "echo: a1 | a2 | a3"), to(B, "echo: b1")]);
    expect(isClean(clean)).toBe(true);
    for (const flaw of ["lost", "duplicated", "reorderedPhones", "unexpected"] as const) {
      expect(isClean({ ...clean, [flaw]: 1 })).toBe(false);
    }
  });
});

describe("isAck", () => {
  it.each([
    { body: ackQueued(1), want: true },
    { body: ackQueued(2), want: true },
    { body: ackQueued(200), want: true },
    { body: "Got it: 0 messages are waiting, and I'll process them next.", want: false },
    { body: "Got it: 3 messages are waiting.", want: false },
    { body: "echo: Got it, I'll process this next.", want: false },
    { body: null, want: false },
  ])("$body → $want", ({ body, want }) => {
    expect(isAck(body)).toBe(want);
  });
});
