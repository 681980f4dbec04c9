import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, beforeEach, expect, it, vi } from "vitest";
import { eventually, releaseVm, resetToSchema, sendInbound, sentTo, stubFor, vmRequests } from "./helpers";

const phone = "+15550000226";
let lines: string[] = [];

beforeEach(() => {
  lines = [];
  vi.spyOn(console, "log").mockImplementation((line: unknown) => void lines.push(String(line)));
});
afterEach(() => vi.restoreAllMocks());

it("shows the typing indicator for the user's message while the agent works", async () => {
  const { sid } = await sendInbound(phone, "my secret plan [[vm:hold]]");
  const typing = await eventually(async () => {
    const res = await fetch(`${env.TWILIO_MESSAGING_API_BASE}/__emulator/typing?messageId=${sid}`);
    const { requests } = (await res.json()) as { requests: { messageId: string; channel: string }[] };
    return requests.length > 0 && requests;
  });
  expect(typing[0]).toMatchObject({ messageId: sid, channel: "whatsapp" });
  await releaseVm(phone);
  await eventually(async () => (await sentTo(phone)).length === 1);
});

it("logs one JSON object per line, phone numbers masked, no message text", async () => {
  const { sid } = await sendInbound(phone, "another secret plan");
  await eventually(async () => (await sentTo(phone)).length === 2);
  // A message that follows another within 2 s shares the next line of the record (QUEUED_LINE_MS).
  await eventually(async () => lines.some((line) => line.includes('"message_queued"') && line.includes(sid)));
  const events = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  expect(events.map((e) => e.event)).toEqual(expect.arrayContaining(["message_queued", "run_finished"]));
  expect(events.find((e) => e.event === "message_queued")).toMatchObject({ messageIds: [sid], rowsWritten: expect.any(Number) });
  // Its line waits for its window (off the run's way to the model), but never past the run it started.
  const queuedAt = events.findIndex((e) => e.event === "message_queued" && JSON.stringify(e.messageIds) === JSON.stringify([sid]));
  expect(queuedAt).toBeGreaterThanOrEqual(0);
  expect(events.slice(queuedAt).some((e) => e.event === "run_finished")).toBe(true);
  // One line sums a run up: how many results, what they cost, how long it took.
  const finished = events.filter((e) => e.event === "run_finished");
  // Named by its conversation, so that runs side by side are told apart.
  expect(finished.at(-1)).toMatchObject({ conversation: "main", outcome: "done", results: 1, costUsd: 0.001, durationMs: expect.any(Number) });
  const all = lines.join("\n");
  expect(all).not.toContain("secret plan");
  expect(all).not.toContain(phone);
  expect(all).toContain("+1555***0226");
  expect(all).not.toContain("test-auth-token");
});

it("a new user's schema is not news; an upgrade of a user's rows is (migrated)", async () => {
  // A number of its own: the emulator is shared by the files running beside this one.
  const fresh = "+15550000231";
  const { sid } = await sendInbound(fresh, "hello");
  await eventually(async () => lines.some((line) => line.includes('"message_queued"') && line.includes(sid)));
  await eventually(async () => (await sentTo(fresh)).length === 1);
  expect(lines.filter((line) => line.includes('"migrated"'))).toEqual([]);

  // The same user's rows as schema 5 left them, read by a new instance: it upgrades them, and says so.
  await runInDurableObject(stubFor(fresh), (_agent, state) => void resetToSchema(state.storage, 5));
  await evictDurableObject(stubFor(fresh));
  const again = await sendInbound(fresh, "/status");
  await eventually(async () => lines.some((line) => line.includes('"message_queued"') && line.includes(again.sid)));
  // A command's line names it as it was typed, not by the relay's name for it (status).
  expect(lines.map((line) => JSON.parse(line) as Record<string, unknown>).find((e) => e.event === "message_queued" && JSON.stringify(e.messageIds) === JSON.stringify([again.sid]))).toMatchObject({ command: "/status" });
  const migrated = lines.map((line) => JSON.parse(line) as { event: string; applied?: number[] }).filter((e) => e.event === "migrated");
  expect(migrated).toHaveLength(1);
  expect(migrated[0]!.applied![0]).toBe(6);
  await eventually(async () => (await sentTo(fresh)).length === 2);
});

it("a /stop's own line comes before the lines of the run it ended", async () => {
  const stopper = "+15550000233";
  await sendInbound(stopper, "long job [[vm:hold]]");
  await eventually(async () => (await vmRequests(stopper)).some((r) => r.kind === "start"));
  const stop = await sendInbound(stopper, "/stop");
  await eventually(async () => lines.some((line) => line.includes('"run_finished"') && line.includes("+1555***0233")));
  const events = lines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((e) => e.phone === "+1555***0233");
  const stopLine = events.findIndex((e) => e.event === "message_queued" && JSON.stringify(e.messageIds) === JSON.stringify([stop.sid]));
  const runLine = events.findIndex((e) => e.event === "run_finished");
  expect(events[stopLine]).toMatchObject({ command: "/stop" });
  expect(events[runLine]).toMatchObject({ outcome: "cancelled", conversation: "main" });
  expect(stopLine).toBeLessThan(runLine);
});
