import { expect, it } from "vitest";
import { ask, bodies, eventually, query, sendInbound, sentTo, vmRequests } from "./helpers";

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
  expect(await ask(phone, "/stop")).toBe("Stopping the current run… Dropped 1 queued message: “/compact”.");
  expect((await vmRequests(phone)).filter((r) => r.kind === "cancel")).toHaveLength(1);
  // api's message still runs, in api, once main's run has ended.
  await eventually(async () => bodies(await sentTo(phone)).includes("[api] echo: run the api tests"));
  const starts = (await vmRequests(phone)).filter((r) => r.kind === "start").map((r) => r.messages!.map((m) => m.text));
  expect(starts).toEqual([["long job [[vm:hold]]"], ["run the api tests"]]);
  expect(await query(phone, "SELECT status FROM messages WHERE body = '/compact'")).toEqual([{ status: "done" }]);
  expect(await ask(phone, "/stop")).toBe("Nothing is running.");
});
