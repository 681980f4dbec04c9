// Event runs that wait for a clone, on a real SQLite: kept until the conversation is no longer
// cloning, then each started once, in the order they came (its row removed in the start's own
// transaction), whether the clone ended ready or the conversation is gone.
import { describe, expect, it } from "vitest";
import type { EventRun, EventRunOutcome } from "../../src/runs/event-run";
import { createWaitingEventRuns } from "../../src/runs/waiting-event-runs";
import { noLog, T0, useUnitDb } from "./helpers/unit-db";

const run = (eventId: string, conversation = "api"): EventRun => ({
  eventId,
  conversation,
  prompt: `work on ${eventId}`,
  origin: `GitHub: ${eventId}`,
  // Kept with the waiting run: how its replies name it, and the repository whose trust it needs.
  label: `acme/api#1 issue`,
  repo: "acme/api",
  receivedAt: T0,
  publicOrigin: "https://relay.example",
  source: { channel: "telegram", chat: "424242" },
});

describe("waiting event runs", () => {
  const t = useUnitDb();
  const unitWith = (outcome: EventRunOutcome = { outcome: "queued" }, revoked = false) => {
    const started: { run: EventRun; waiting: number }[] = [];
    const unit = createWaitingEventRuns({
      repo: t.repos.waitingEventRuns,
      // As receiveEvent does: `settled` inside the transaction that stores the run.
      start: (r, _now, settled) => t.sql.transaction(() => {
        settled();
        started.push({ run: r, waiting: t.rows<{ n: number }>("SELECT count(*) AS n FROM waiting_event_runs")[0]!.n });
        return outcome;
      }),
      accessRevoked: () => revoked,
      transaction: t.sql.transaction,
      log: noLog,
    });
    return { unit, started };
  };

  it("is not due while the clone runs; once it is ready, starts each run once, oldest first", () => {
    const api = t.repos.conversations.create({ name: "api", workspace: "c-1", repoUrl: "https://github.com/acme/api.git", branch: null, status: "cloning", now: T0 });
    const { unit, started } = unitWith();
    unit.wait(run("github-d-1"), T0);
    unit.wait(run("github-d-2"), T0 + 5);
    unit.wait(run("github-d-1"), T0 + 6); // a redelivery waits once
    expect(unit.nextDueAt(T0 + 10)).toBeNull();
    expect(unit.runDue(T0 + 10)).toBe(0);

    t.repos.conversations.markCloned(api.id, "main", T0 + 20);
    expect(unit.nextDueAt(T0 + 20)).toBe(T0);
    expect(unit.runDue(T0 + 20)).toBe(2);
    expect(started.map((s) => s.run)).toEqual([run("github-d-1"), run("github-d-2")]);
    // Each row went in its start's transaction: the first start saw one left, the second none.
    expect(started.map((s) => s.waiting)).toEqual([1, 0]);
    expect(unit.nextDueAt(T0 + 30)).toBeNull();
    expect(unit.runDue(T0 + 30)).toBe(0);
  });

  it("a clone that failed (its conversation gone) hands its runs over to be refused and told; another conversation's clone holds its own", () => {
    const api = t.repos.conversations.create({ name: "api", workspace: "c-1", repoUrl: "https://github.com/acme/api.git", branch: null, status: "cloning", now: T0 });
    t.repos.conversations.create({ name: "web", workspace: "c-2", repoUrl: "https://github.com/acme/web.git", branch: null, status: "cloning", now: T0 });
    const { unit, started } = unitWith({ outcome: "refused", reason: "no_conversation" });
    unit.wait(run("github-d-3", "web"), T0);
    unit.wait(run("github-d-4", "api"), T0 + 1);
    t.repos.conversations.delete(api.id);
    expect(unit.nextDueAt(T0 + 2)).toBe(T0 + 1);
    expect(unit.runDue(T0 + 2)).toBe(1);
    expect(started.map((s) => s.run.eventId)).toEqual(["github-d-4"]);
    expect(t.rows<{ event_id: string }>("SELECT event_id FROM waiting_event_runs")).toEqual([{ event_id: "github-d-3" }]);
  });

  it("a start that throws leaves its run waiting (nothing is lost to a failed step)", () => {
    t.repos.conversations.create({ name: "api", workspace: "c-1", repoUrl: null, branch: null, status: "ready", now: T0 });
    const unit = createWaitingEventRuns({
      repo: t.repos.waitingEventRuns,
      start: (_r, _now, settled) => t.sql.transaction(() => {
        settled();
        throw new Error("storage failed");
      }),
      accessRevoked: () => false,
      transaction: t.sql.transaction,
      log: noLog,
    });
    unit.wait(run("github-d-5"), T0);
    expect(() => unit.runDue(T0 + 1)).toThrow("storage failed");
    expect(unit.nextDueAt(T0 + 1)).toBe(T0);
  });

  it("a user revoked during the clone: the runs that waited are dropped, none started", () => {
    const api = t.repos.conversations.create({ name: "api", workspace: "c-1", repoUrl: "https://github.com/acme/api.git", branch: null, status: "cloning", now: T0 });
    const logged: { event: string; fields: Record<string, unknown> }[] = [];
    const started: string[] = [];
    const unit = createWaitingEventRuns({
      repo: t.repos.waitingEventRuns,
      start: (r) => (started.push(r.eventId), { outcome: "queued" }),
      accessRevoked: () => true,
      transaction: t.sql.transaction,
      log: (event, fields) => logged.push({ event, fields }),
    });
    unit.wait(run("github-d-6"), T0);
    t.repos.conversations.markCloned(api.id, "main", T0 + 20);
    expect(unit.runDue(T0 + 20)).toBe(1);
    expect(started).toEqual([]);
    expect(t.rows("SELECT event_id FROM waiting_event_runs")).toEqual([]);
    expect(logged.filter((l) => l.event === "event_run").map((l) => l.fields)).toEqual([{ eventId: "github-d-6", outcome: "refused", waited: true, reason: "revoked" }]);
  });
});
