// The model's usage limit pauses the work and resumes it by itself: through the Worker, the
// Durable Object and its alarm, with the VM stand-in reporting the limit as the real VM does
// (error model_limit with its reset). The user is told once, with the reset in their time zone,
// nothing is retried before it, and at the reset the held message runs with what came meanwhile.
import { expect, it } from "vitest";
import { eventually, sendInbound, sentTo, vmRequests } from "./helpers";

const phone = "+15550000211";
/** What the user was sent, in order (a media message's body is empty). */
const bodies = (messages: { body: string | null }[]) => messages.map((m) => m.body ?? "");
const starts = async () => (await vmRequests(phone)).filter((r) => r.kind === "start");

it("a usage limit holds the messages until its reset, tells the user once in their zone, and goes on by itself", async () => {
  await sendInbound(phone, "/tz Europe/Paris");
  await eventually(async () => (await sentTo(phone)).length === 1);

  await sendInbound(phone, "write the release notes [[vm:model-limit 4]]");
  const paused = await eventually(async () => {
    const sent = bodies(await sentTo(phone));
    return sent.length === 2 && sent[1]!;
  });
  expect(paused).toMatch(/^⏸️ The model refused: you've reached its 5-hour limit\. I'm keeping your message “write the release notes” and will go on by myself at \d\d:\d\d \(Europe\/Paris\), when it resets/);
  expect(await starts()).toHaveLength(1);

  // Meanwhile: waits too, and /status says until when.
  await sendInbound(phone, "and the changelog");
  await sendInbound(phone, "/status");
  const status = await eventually(async () => bodies(await sentTo(phone)).find((b) => b.includes("⏸️ Paused until")));
  expect(status).toMatch(/⏸️ Paused until \d\d:\d\d \(Europe\/Paris\): the model refused: its 5-hour limit\. What waits goes on by itself then\./);
  expect(await starts()).toHaveLength(1);

  // At the reset (4 s, and the margin), with no message from the user: said, then answered, both messages in one turn.
  const after = await eventually(async () => {
    const sent = bodies(await sentTo(phone));
    return sent.some((b) => b.startsWith("echo:")) && sent;
  }, 20_000);
  const resumed = after.filter((b) => b.startsWith("▶️"));
  expect(resumed).toEqual(["▶️ The model answers again: going on with your messages “write the release notes”, “and the changelog”."]);
  expect(after.filter((b) => b.startsWith("echo:"))).toEqual(["echo: write the release notes [[vm:model-limit 4]] | and the changelog"]);
  expect(after.indexOf(resumed[0]!)).toBeLessThan(after.findIndex((b) => b.startsWith("echo:")));
  // Told once; nothing asked the model between the refusal and the reset.
  expect(after.filter((b) => b.startsWith("⏸️ The model refused"))).toHaveLength(1);
  expect(await starts()).toHaveLength(2);
}, 40_000);

it("a model that stays unavailable is retried after a backoff, not at once, and the messages are answered when it is back", async () => {
  const down = "+15550000212";
  await sendInbound(down, "run the nightly build [[vm:model-down 1]]");
  const sent = await eventually(async () => {
    const all = bodies(await sentTo(down));
    return all.some((b) => b.startsWith("echo:")) && all;
  }, 45_000);
  // Back within the first backoff (30 s): not told, since it lasted less than a minute.
  expect(sent).toEqual(["echo: run the nightly build [[vm:model-down 1]]"]);
  const runs = (await vmRequests(down)).filter((r) => r.kind === "start");
  expect(runs).toHaveLength(2);
}, 60_000);
