import { expect, it } from "vitest";
import { ask, bodies, eventually, query, releaseVm, sendInbound, sentTo, vmRequests } from "./helpers";

const phone = "+15550000168";

it("/stop ends the run, drops what waited for its conversation and says which, and leaves other conversations alone", async () => {
  await ask(phone, "/new api");
  await ask(phone, "/switch main");
  await sendInbound(phone, "long job [[vm:hold]]");
  await eventually(async () => (await vmRequests(phone)).some((r) => r.kind === "start"));
  // Waiting for main: a slash command (never injected into a live turn) and one more; for api: one.
  await sendInbound(phone, "/compact");
  await sendInbound(phone, "@api run the api tests");
  // The one acknowledgement for this run goes out first.
  await eventually(async () => bodies(await sentTo(phone)).some((b) => b?.startsWith("Got it")));
  expect(await ask(phone, "/stop")).toBe("Stopped the run on “long job”. Dropped 1 message: “/compact”.");
  expect((await vmRequests(phone)).filter((r) => r.kind === "cancel")).toHaveLength(1);
  // api's message still runs, in api, once main's run has ended.
  await eventually(async () => bodies(await sentTo(phone)).includes("[api] echo: run the api tests"));
  const starts = (await vmRequests(phone)).filter((r) => r.kind === "start").map((r) => r.messages!.map((m) => m.text));
  expect(starts).toEqual([["long job [[vm:hold]]"], ["run the api tests"]]);
  expect(await query(phone, "SELECT status FROM messages WHERE body = '/compact'")).toEqual([{ status: "dropped" }]);
  expect(await ask(phone, "/stop")).toBe("Nothing is running.");
});

it("/stop drops what was handed to the live session and not yet answered, names it, and nothing of it is answered later", async () => {
  const phone = "+15550000192";
  await sendInbound(phone, "long job [[vm:hold]]");
  await eventually(async () => (await vmRequests(phone)).some((r) => r.kind === "start"));
  await sendInbound(phone, "queued behind it");
  await sendInbound(phone, "and this");
  // Both joined the live session as further turns (injected), neither answered.
  await eventually(async () => (await vmRequests(phone)).filter((r) => r.kind === "input" && r.accepted).flatMap((r) => r.messages ?? []).length === 2);
  expect(await ask(phone, "/stop")).toBe("Stopped the run on “long job”. Dropped 2 messages: “queued behind it”, “and this”.");
  await eventually(async () => (await vmRequests(phone)).some((r) => r.kind === "cancel"));
  await releaseVm(phone);
  // Whatever the VM does now, the run is over: one acknowledgement for the run, the stop's reply, nothing else.
  await new Promise((r) => setTimeout(r, 500));
  const sent = bodies(await sentTo(phone));
  expect(sent).toHaveLength(2);
  expect(sent[0]).toMatch(/^Got it/);
  expect(sent[1]).toBe("Stopped the run on “long job”. Dropped 2 messages: “queued behind it”, “and this”.");
  expect(await query(phone, "SELECT status FROM messages ORDER BY seq")).toEqual([{ status: "dropped" }, { status: "dropped" }, { status: "dropped" }, { status: "answered" }]);
  expect(await query(phone, "SELECT outcome FROM runs")).toEqual([{ outcome: "cancelled" }]);
});
