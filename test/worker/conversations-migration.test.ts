import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { expect, it } from "vitest";
import { bodies, eventually, resetToSchema, sendInbound, sentTo, stubFor, vmRequests } from "./helpers";

const phone = "+15550000163";

it("an existing user's single session becomes the conversation main, with its queued messages and tasks", async () => {
  const stub = stubFor(phone);
  await runInDurableObject(stub, (_agent, state) => {
    const sql = state.storage.sql;
    expect(resetToSchema(state.storage, 6)).toEqual([1, 2, 3, 4, 5, 6]);
    sql.exec("INSERT INTO settings (key, value) VALUES ('session_id', 'session-before')");
    sql.exec("INSERT INTO messages (id, body, received_at, status, updated_at) VALUES ('SMqueued0000000000000000000000000001', 'left in the queue', ?, 'queued', ?)", Date.now(), Date.now());
    sql.exec(
      "INSERT INTO schedules (spec_json, prompt, context, status, next_run_at, created_at, updated_at) VALUES (?, 'standup', 'chat', 'active', ?, 0, 0)",
      JSON.stringify({ kind: "interval", everyMs: 3_600_000, anchorAt: 0 }),
      Date.now() + 3_600_000,
    );
  });
  await evictDurableObject(stub);

  // Migrated at start: nothing lost, all of it main's.
  await runInDurableObject(stub, (_agent, state) => {
    const sql = state.storage.sql;
    expect(sql.exec("SELECT id, name, workspace, session_id FROM conversations").toArray()).toEqual([{ id: 1, name: "main", workspace: "main", session_id: "session-before" }]);
    expect(sql.exec("SELECT body, status, conversation_id FROM messages").toArray()).toEqual([{ body: "left in the queue", status: "queued", conversation_id: 1 }]);
    expect(sql.exec("SELECT prompt, conversation_id FROM schedules").toArray()).toEqual([{ prompt: "standup", conversation_id: 1 }]);
    expect(sql.exec("SELECT count(*) AS n FROM settings WHERE key = 'session_id'").one().n).toBe(0);
  });

  // The next message runs with what was queued, resuming the session, in the same directory.
  await sendInbound(phone, "and this");
  await eventually(async () => bodies(await sentTo(phone)).includes("echo: left in the queue | and this"));
  const [start] = (await vmRequests(phone)).filter((r) => r.kind === "start");
  expect(start).toMatchObject({ sessionId: "session-before", workspace: "main" });
  expect(await sentTo(phone).then((all) => all.map((m) => m.body))).not.toContainEqual(expect.stringMatching(/^\[/));
});
