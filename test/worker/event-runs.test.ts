import { expect, it } from "vitest";
import { bodies, eventually, query, sendInbound, sentTo, stubFor, vmRequests } from "./helpers";

const phone = "+15550000293";
const event = (eventId: string, conversation = "main") => ({
  eventId,
  conversation,
  prompt: "fix the failing check",
  origin: "GitHub: acme/api#7 CI failed",
  receivedAt: Date.now(),
  publicOrigin: "https://relay.example",
});

it("runs an event's prompt in its conversation once, tells the user what started it, and records where it came from", async () => {
  await sendInbound(phone, "/status");
  await eventually(async () => (await sentTo(phone)).length === 1);
  const stub = stubFor(phone);
  expect(await stub.startEventRun(event("github-d-1"))).toEqual({ outcome: "queued" });
  expect(await stub.startEventRun(event("github-d-1"))).toEqual({ outcome: "duplicate" });

  const sent = await eventually(async () => {
    const all = bodies(await sentTo(phone));
    // Named by what started it: not an answer to something the user wrote.
    return all.includes("[GitHub: acme/api#7 CI failed] echo: fix the failing check") && all;
  });
  expect(sent.filter((b) => b === "▶️ GitHub: acme/api#7 CI failed: started a run in @main.")).toHaveLength(1);
  expect((await vmRequests(phone)).filter((r) => r.kind === "start")).toHaveLength(1);
  expect(await query(phone, "SELECT origin, channel, status FROM messages WHERE id = ?", "github-d-1")).toEqual([
    { origin: "GitHub: acme/api#7 CI failed", channel: "whatsapp", status: "answered" },
  ]);
});

it("refuses an event for a conversation that does not exist, saying so, and stores nothing", async () => {
  const other = "+15550000294";
  await sendInbound(other, "/status");
  await eventually(async () => (await sentTo(other)).length === 1);
  expect(await stubFor(other).startEventRun(event("trigger-t1-k1", "nope"))).toEqual({ outcome: "refused", reason: "no_conversation" });
  const told = await eventually(async () => bodies(await sentTo(other)).find((b) => b?.startsWith("GitHub: acme/api#7 CI failed: not started.")));
  expect(told).toContain("nope");
  expect(await query(other, "SELECT id FROM messages WHERE id = ?", "trigger-t1-k1")).toEqual([]);
});
