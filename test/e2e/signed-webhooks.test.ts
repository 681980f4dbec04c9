// Without a browser: signed Twilio webhooks posted straight to the Worker under wrangler dev, the
// VM running the real Claude Code CLI on the offline model, replies read back from the emulator.
import { beforeAll, expect, it } from "vitest";
import { useResources } from "../helpers/resources";
import { ACK, eventually, replyTo, sentTo, typingRequestsFor } from "./helpers/emulator-api";
import { PHONES, startE2eStack, type E2eStack } from "./helpers/e2e-stack";
import { postInbound } from "./helpers/signed-inbound";

const [ALICE, BOB, CAROL, DAVE] = PHONES;
let stack: E2eStack;

const resources = useResources();

beforeAll(async () => {
  stack = await startE2eStack("signed-webhooks", resources);
});

const inbound = (from: string, body: string, sid?: string, signWith?: string) => postInbound(stack, from, body, sid, signWith);

const bodiesTo = async (phone: string) => (await sentTo(stack.urls.twilio, phone)).map((m) => m.body ?? "");

it("queues a signed message with empty TwiML and sends the agent's reply through Twilio's API", async () => {
  const posted = await inbound(ALICE, "hello without a browser");
  expect(posted.status).toBe(200);
  expect(posted.text).toContain("<Response/>");
  const bodies = await eventually("the reply", async () => ((await bodiesTo(ALICE)).length > 0 ? bodiesTo(ALICE) : undefined));
  expect(bodies).toHaveLength(1);
  expect(bodies[0]).toContain(replyTo("hello without a browser"));
});

it("refuses a webhook signed with the wrong token, and nothing is sent", async () => {
  const posted = await inbound(BOB, "forged", undefined, "not-the-auth-token");
  expect(posted.status).toBe(403);
  // A correctly signed message afterwards is answered, and it is the only thing Bob got.
  await inbound(BOB, "genuine");
  const bodies = await eventually("Bob's reply", async () => ((await bodiesTo(BOB)).length > 0 ? bodiesTo(BOB) : undefined));
  expect(bodies).toHaveLength(1);
  expect(bodies[0]).toContain(replyTo("genuine"));
  expect(bodies[0]).toContain("This conversation has 1 user message.");
});

it("acknowledges a message sent while the first runs, then answers both in order; a redelivered webhook changes nothing", async () => {
  const first = await inbound(CAROL, "[[slow 5000]] first");
  // The relay's typing indicator for the first message: its run is streaming from the VM.
  await eventually("the typing indicator", async () => ((await typingRequestsFor(stack.urls.twilio, first.sid)) > 0 ? true : undefined));
  const second = await inbound(CAROL, "second");
  // Twilio redelivers a webhook it thinks failed: same MessageSid.
  expect((await inbound(CAROL, "second", second.sid)).status).toBe(200);
  const bodies = await eventually("three messages", async () => {
    const sent = await bodiesTo(CAROL);
    return sent.length >= 3 ? sent : undefined;
  });
  expect(bodies[0]).toBe(ACK);
  expect(bodies[1]).toContain(replyTo("[[slow 5000]] first"));
  expect(bodies[2]).toContain(replyTo("second"));
  // Later traffic on the same phone is answered after them, with no duplicate in between.
  await inbound(CAROL, "third");
  const after = await eventually("the fourth message", async () => {
    const sent = await bodiesTo(CAROL);
    return sent.length >= 4 ? sent : undefined;
  });
  expect(after).toHaveLength(4);
  expect(after[3]).toContain(replyTo("third"));
});

it("the agent schedules a task with its relay tool: real CLI, MCP bridge, relay validation", async () => {
  await inbound(DAVE, '[[tool schedule_create {"kind":"every","every":"2h","prompt":"check the build"}]] remind me');
  const reply = await eventually("the tool's answer", async () => {
    const sent = await bodiesTo(DAVE);
    return sent.find((body) => body.includes("schedule_create tool answered"));
  });
  expect(reply).toMatch(/Task #1 scheduled: every 2h, in a fresh session/);
  // The task is real: the relay lists it.
  await inbound(DAVE, "/schedules");
  const listing = await eventually("the listing", async () => (await bodiesTo(DAVE)).find((body) => body.startsWith("Your tasks")));
  expect(listing).toMatch(/#1 \[main\] every 2h: next .*\n {3}check the build/);
});
