// Progress updates during a long run, paced by PROGRESS_AFTER_MS=1000 and PROGRESS_EVERY_MS=2000
// in this project (the defaults are a minute and two): the same code, on a clock a test can wait for.
import { expect, it } from "vitest";
import { ask, eventually, query, sentTo } from "../worker/helpers";

type Row = { id: number; dedupe_key: string; body: string; created_at: number; conversation_id: number | null };

it("a long run sends paced updates from the agent's progress lines, never after its answer", async () => {
  const phone = "+15550000192";
  // Nine progress lines 800 ms apart: about 7 s of work.
  // The first message the user gets is an update, not the answer.
  expect(await ask(phone, "[[vm:progress 9 800]] refactor the api")).toMatch(/^Still working \(\d s\)/);
  const answer = await eventually(async () => (await sentTo(phone)).find((m) => m.body?.startsWith("echo:")), 30_000);
  expect(answer.body).toBe("echo: [[vm:progress 9 800]] refactor the api");

  const [run] = await query<{ created_at: number }>(phone, "SELECT created_at FROM runs");
  const rows = await query<Row>(phone, "SELECT id, dedupe_key, body, created_at, conversation_id FROM outbox ORDER BY id");
  const updates = rows.filter((r) => r.dedupe_key.startsWith("progress:"));
  const answerRow = rows.find((r) => r.body.startsWith("echo:"))!;
  expect(updates.length).toBeGreaterThanOrEqual(2);
  // The first after a second of work, then at most one every two seconds.
  expect(updates[0]!.created_at - run!.created_at).toBeGreaterThanOrEqual(1000);
  for (let i = 1; i < updates.length; i++) expect(updates[i]!.created_at - updates[i - 1]!.created_at).toBeGreaterThanOrEqual(2000);
  // The first says once where to watch the run live: its page's link, opened at the live part.
  expect(updates[0]!.body).toMatch(/\n👀 Watch it live, stop it or answer it on the page: https?:\/\/\S+\/web\/[A-Za-z0-9_-]{22}#live$/);
  expect(updates.slice(1).some((u) => u.body.includes("Watch it live"))).toBe(false);
  // Each says the run's true age, in seconds under a minute (the agent's time: no prompt waited here).
  for (const u of updates) {
    const said = Number(/^Still working \((\d+) s\)/.exec(u.body)?.[1]);
    expect(said).toBeGreaterThanOrEqual(Math.floor((u.created_at - run!.created_at) / 1000) - 1);
    expect(said).toBeLessThanOrEqual(Math.ceil((u.created_at - run!.created_at) / 1000));
  }
  // Built from the progress lines: the latest command and the files edited so far.
  expect(updates.at(-1)!.body).toMatch(/^Still working \(\d s\): running step \d, edited \d files?$/);
  // Never after the answer, never part of the conversation (the transcript reads conversation_id).
  expect(updates.every((u) => u.id < answerRow.id)).toBe(true);
  expect(updates.every((u) => u.conversation_id === null)).toBe(true);
  const sent = (await sentTo(phone)).map((m) => m.body ?? "");
  expect(sent.indexOf(answer.body!)).toBe(sent.length - 1);
});

it("/progress off stops them; a run then shows only the typing indicator", async () => {
  const phone = "+15550000193";
  expect(await ask(phone, "/progress off")).toMatch(/^Progress updates are off/);
  expect(await ask(phone, "[[vm:progress 5 800]] migrate the db")).toBe("echo: [[vm:progress 5 800]] migrate the db");
  expect(await query(phone, "SELECT id FROM outbox WHERE dedupe_key LIKE 'progress:%'")).toEqual([]);
  expect(await ask(phone, "/progress")).toMatch(/^Progress updates are off/);
});
