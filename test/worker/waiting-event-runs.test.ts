// An event's run that waited for a clone when its object's instance went away (an eviction, a
// deploy): kept in SQLite, the next instance starts it once the conversation is there, or, when
// the clone never finished, refuses it and says which event did not start.
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { expect, it } from "vitest";
import { CLONE_DEADLINE_MS } from "../../src/conversations/conversations-repo";
import { ask, eventually, rewriteStorage, sentTo, stubFor, vmRequests } from "./helpers";

const said = (phone: string, match: (b: string) => boolean) => eventually(async () => (await sentTo(phone)).find((m) => m.body !== null && match(m.body)));

/** What a dead instance left behind: the conversation `name` (cloning or ready, made `ageMs` ago) and a run waiting for it. */
async function leftBehind(phone: string, name: string, status: "cloning" | "ready", ageMs: number) {
  const at = Date.now() - ageMs;
  await rewriteStorage(phone, async (storage) => {
    // The fresh instance then knows of no alarm but the one set below (the archive's, days ahead, would be its floor).
    await storage.deleteAlarm();
    storage.sql.exec("INSERT INTO conversations (name, workspace, repo_url, status, created_at, last_active_at) VALUES (?, ?, ?, ?, ?, ?)", name, `c-${name}`, `https://github.com/acme/${name}.git`, status, at, at);
    // The clone's deadline, as the conversations unit keeps it for the alarm (CLONE_DEADLINE_MS after it started).
    if (status === "cloning") storage.sql.exec("INSERT INTO due_times (unit, due_at) VALUES ('conversations', ?)", at + CLONE_DEADLINE_MS);
    storage.sql.exec(
      "INSERT INTO waiting_event_runs (event_id, conversation, prompt, origin, received_at, public_origin, channel, chat, created_at) VALUES (?, ?, ?, ?, ?, ?, NULL, NULL, ?)",
      `github-${name}-1`, name, `Fix issue 1 of acme/${name}.`, `GitHub: acme/${name}#1 labelled agent`, at, "https://relay.example.test", at,
    );
  });
  // The alarm the dead instance had set (for the clone's deadline), now due, on the next instance.
  await runInDurableObject(stubFor(phone), (_instance, state) => state.storage.setAlarm(Date.now()));
}

it("after an eviction, a run that waited for a clone now done starts, once", async () => {
  const phone = "+15550000270";
  await ask(phone, "hello");
  await leftBehind(phone, "late", "ready", 1000);
  await runDurableObjectAlarm(stubFor(phone));
  await said(phone, (b) => b === "▶️ GitHub: acme/late#1 labelled agent: started a run in @late.");
  await said(phone, (b) => b.startsWith("[late] [GitHub: acme/late#1 labelled agent] echo: Fix issue 1 of acme/late."));
  await runDurableObjectAlarm(stubFor(phone));
  expect((await vmRequests(phone)).filter((r) => r.kind === "start" && JSON.stringify(r).includes("acme/late"))).toHaveLength(1);
  expect(await stubFor(phone).startEventRun({ eventId: "github-late-1", conversation: "late", prompt: "x", origin: "x", receivedAt: Date.now(), publicOrigin: "https://relay.example.test" })).toEqual({ outcome: "duplicate" });
});

it("after an eviction, a run that waited for a clone that never finished is refused, naming the event", async () => {
  const phone = "+15550000271";
  await ask(phone, "hello");
  await leftBehind(phone, "lost", "cloning", 11 * 60_000);
  await runDurableObjectAlarm(stubFor(phone));
  await said(phone, (b) => b.startsWith("GitHub: acme/lost#1 labelled agent: not started."));
  expect((await vmRequests(phone)).filter((r) => r.kind === "start" && JSON.stringify(r).includes("acme/lost"))).toEqual([]);
});
