import { exports } from "cloudflare:workers";
import { expect, it, onTestFinished } from "vitest";
import { ask, bodies, eventually, query, releaseVm, sendInbound, sentTo, stubFor, vmRequests } from "../worker/helpers";
import { TEST_PUBLIC_URL } from "../worker/test-env";
import { closeAll, LINK, mustOpen, openLive } from "../worker/web-live-helpers";
import { adminOf, configuredOf } from "./admin-env";

const admin = adminOf(3);
const user = "+15550001935";

it("/deny blocks a number, ends its run as /stop does and drops its pending work, with one notice", async () => {
  expect(await ask(admin, `/allow ${user}`)).toMatch(/^Allowed /);
  expect(await ask(user, "/schedule every 1d check the logs")).toMatch(/^Task #1 scheduled/);
  await sendInbound(user, "long job [[vm:hold]]");
  await eventually(async () => (await vmRequests(user)).some((r) => r.kind === "start"));
  // Slash commands never join a live turn: these two wait in the queue.
  await sendInbound(user, "/compact");
  await sendInbound(user, "/review");
  await eventually(async () => bodies(await sentTo(user)).some((b) => b?.startsWith("Got it")));
  const before = (await sentTo(user)).length;

  expect(await ask(admin, `/deny ${user}`)).toBe(`Denied ${user}: its run stopped, 2 waiting messages dropped and 1 scheduled task paused; they were told once.`);
  expect((await vmRequests(user)).filter((r) => r.kind === "cancel")).toHaveLength(1);
  await releaseVm(user);
  // One notice, and not the run's own "Cancelled." as well.
  await eventually(async () => (await query<{ outcome: string | null }>(user, "SELECT outcome FROM runs"))[0]?.outcome === "cancelled");
  const told = await eventually(async () => {
    const after = bodies(await sentTo(user)).slice(before);
    return after.length > 0 && after;
  });
  expect(told).toEqual([
    "🚫 An admin has removed your access to this agent: I stopped the current run, dropped 2 waiting messages and paused 1 scheduled task. Messages you send now are not read.",
  ]);
  expect(await query(user, "SELECT count(*) AS n FROM messages WHERE status = 'queued'")).toEqual([{ n: 0 }]);
  expect(await query(user, "SELECT status FROM schedules")).toEqual([{ status: "paused" }]);

  // Blocked in the Worker's path: nothing more is stored or answered.
  const stored = (await query(user, "SELECT id FROM messages")).length;
  const { res } = await sendInbound(user, "hello?");
  expect(res.status).toBe(200);
  expect(await query(user, "SELECT id FROM messages")).toHaveLength(stored);
  // A Worker isolate whose copy of the allowlist is older than the change still reaches the object: it refuses.
  const late = { messageId: "SMlate0000000000000000000000000001", body: "from a stale isolate", media: [], receivedAt: Date.now(), publicOrigin: "https://relay.example.test" };
  expect(await stubFor(user).enqueue(late)).toEqual({ stored: false });
  expect(await query(user, "SELECT id FROM messages")).toHaveLength(stored);
  expect(await ask(admin, `/deny ${user}`)).toBe(`${user} was already denied; nothing was waiting.`);
  expect(bodies(await sentTo(user)).slice(before)).toHaveLength(1);

  // Allowed again: told once, read again.
  expect(await ask(admin, `/allow ${user}`)).toBe(`Allowed ${user} again; they were told.`);
  await eventually(async () => bodies(await sentTo(user)).includes("✅ An admin has given you access to this agent again."));
  expect(await ask(user, "back")).toBe("echo: back");
});

it("/deny cannot remove the operator's numbers, nor a number never allowed", async () => {
  expect(await ask(admin, `/deny ${configuredOf(3)}`)).toBe(
    `${configuredOf(3)} is in ALLOWED_SENDERS, the operator's configuration: /deny can't remove it (only a change of that setting can). Nothing changed.`,
  );
  expect(await ask(admin, `/deny ${admin}`)).toBe(`${admin} is in ADMIN_SENDERS, the operator's configuration: /deny can't remove it (only a change of that setting can). Nothing changed.`);
  expect(await ask(admin, "/deny +15550001939")).toBe("+15550001939 is not on the allowlist; nothing changed.");
  expect(await ask(configuredOf(3), "still in")).toBe("echo: still in");
});

it("/deny ends the links the phone was sent: its open page closes; the page and its socket answer as a revoked link's, even after /allow", async () => {
  const denied = "+15550001936";
  const get = async (path: string) => {
    const response = await exports.default.fetch(new Request(`${TEST_PUBLIC_URL}${path}`));
    return { status: response.status, text: await response.text() };
  };
  expect(await ask(admin, `/allow ${denied}`)).toMatch(/^Allowed /);
  expect(await ask(denied, "hello")).toBe("echo: hello");
  const path = LINK.exec(await ask(denied, "/web"))![1]!;
  expect((await get(path)).status).toBe(200);
  const socket = await mustOpen(`${path}/live`);
  onTestFinished(() => closeAll([socket]));
  await eventually(async () => socket.messages.some((m) => m.type === "hello"));

  expect(await ask(admin, `/deny ${denied}`)).toMatch(/^Denied /);
  // The open page closes as for /web revoke (its script says the link ended), and nothing opens again.
  expect(await eventually(async () => socket.closed())).toBe(4001);
  expect(await get(path)).toEqual({ status: 404, text: "Not found" });
  expect(await openLive(`${path}/live`)).toBe(404);

  // Allowed again: the old link stays ended; a new /web works.
  expect(await ask(admin, `/allow ${denied}`)).toBe(`Allowed ${denied} again; they were told.`);
  expect((await get(path)).status).toBe(404);
  expect(await openLive(`${path}/live`)).toBe(404);
  const fresh = LINK.exec(await ask(denied, "/web"))![1]!;
  expect((await get(fresh)).status).toBe(200);
});
