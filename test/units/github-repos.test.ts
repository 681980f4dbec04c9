// The pull requests the relay opened and GitHub's deliveries, over a real SQLite: one row per
// pull request whatever the repository's case, one row per delivery, details kept for later events.
import { describe, expect, it } from "vitest";
import * as z from "zod/mini";
import { createGithubEventsRepo, DELIVERY_RETENTION_MS, detailOf } from "../../src/github/github-events-repo";
import { createPullRequestsRepo } from "../../src/github/pull-requests-repo";
import { T0, useUnitDb } from "./helpers/unit-db";

const t = useUnitDb();

describe("pull requests", () => {
  it("an upsert of the same repository (any case) and number updates the one row, opened again", () => {
    const prs = createPullRequestsRepo(t.sql);
    const first = prs.shipped({ conversationId: 1, repo: "Acme/API", number: 12, branch: "agent/main", url: "u", headSha: "a", now: T0 });
    prs.setState(first.id, "closed", T0 + 1);
    const again = prs.shipped({ conversationId: 1, repo: "acme/api", number: 12, branch: "agent/main", url: "u2", headSha: "b", now: T0 + 2 });
    expect(again).toMatchObject({ id: first.id, state: "open", headSha: "b", url: "u2" });
    expect(prs.byNumber("ACME/api", 12)?.id).toBe(first.id);
    expect(prs.openByBranch("acme/API", "agent/main")?.id).toBe(first.id);
    prs.countAutofix(first.id, T0 + 3);
    prs.countAutofix(first.id, T0 + 4);
    expect(prs.openOf(1)?.autofixCount).toBe(2);
    expect(prs.byNumber("acme/api", 13)).toBeNull();
  });
});

describe("GitHub deliveries", () => {
  it("stores a delivery once, groups them by ref, and lets go of those past retention", () => {
    const events = createGithubEventsRepo(t.sql);
    const add = (delivery: string, now: number, ref = "abc") => events.add({ delivery, event: "check_run", repo: "acme/api", number: null, ref, detail: { name: delivery }, now });
    expect(add("d1", T0)).toBe(true);
    expect(add("d1", T0 + 1)).toBe(false);
    expect(add("d2", T0 + 2)).toBe(true);
    expect(add("d3", T0 + 3, "other")).toBe(true);
    expect(events.byRef("acme/api", "check_run", "abc").map((d) => detailOf(z.object({ name: z.string() }), d)?.name)).toEqual(["d1", "d2"]);
    expect(add("d4", T0 + DELIVERY_RETENTION_MS + 3)).toBe(true);
    expect(events.get("d1")).toBeNull();
    expect(events.get("d3")).not.toBeNull();
  });

  it("autofix is per conversation", () => {
    const events = createGithubEventsRepo(t.sql);
    events.setAutofix(2, true);
    events.setAutofix(2, true);
    expect([events.autofixOn(1), events.autofixOn(2)]).toEqual([false, true]);
    events.setAutofix(2, false);
    expect(events.autofixOn(2)).toBe(false);
  });
});
