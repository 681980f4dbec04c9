import { runInDurableObject } from "cloudflare:test";
import { expect, it } from "vitest";
import { bodies, eventually, sendInbound, sentTo, stubFor, vmRequests } from "./helpers";

const phone = "+15550000112";
const sessionOf = () =>
  runInDurableObject(stubFor(phone), (_a, state) =>
    state.storage.sql.exec<{ value: string }>("SELECT value FROM settings WHERE key = 'session_id'").toArray()[0]?.value,
  );

it("clears an unknown session, retries once on a fresh one, and tells the user", async () => {
  await sendInbound(phone, "hello");
  await eventually(async () => (await sentTo(phone)).length === 1);
  const oldSession = await sessionOf();

  await sendInbound(phone, "continue [[vm:unknown-session]]");
  const sent = await eventually(async () => {
    const all = await sentTo(phone);
    return all.length === 3 && all;
  });
  expect(bodies(sent).slice(1)).toEqual([
    "I couldn't find your earlier conversation on the agent, so I started a fresh one. The earlier context is lost.",
    "echo: continue [[vm:unknown-session]]",
  ]);
  const starts = (await vmRequests(phone)).filter((r) => r.kind === "start");
  expect(starts.map((s) => s.sessionId)).toEqual([null, oldSession, null]);
  const newSession = await sessionOf();
  expect(newSession).toMatch(/^session-/);
  expect(newSession).not.toBe(oldSession);
});
