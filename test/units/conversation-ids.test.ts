// A conversation's id is never given again, over a real SQLite: after the newest is deleted, and
// where rows outlived conversations deleted before the highest id was kept.
import { expect, it } from "vitest";
import { T0, useUnitDb } from "./helpers/unit-db";

const t = useUnitDb();
const create = (name: string) => t.repos.conversations.create({ name, workspace: `c-${name}`, repoUrl: null, branch: null, status: "ready", now: T0 });

it("gives a new conversation an id above every id given before, deleted ones included", () => {
  const a = create("a");
  const b = create("b");
  expect(b.id).toBe(a.id + 1);
  t.repos.conversations.delete(b.id);
  expect(create("c").id).toBe(b.id + 1);
});

it("counts the ids that rows of deleted conversations still name (made before the highest was kept)", () => {
  t.sql`INSERT INTO runs (id, vm_run_id, phase, next_attempt_at, created_at, updated_at, conversation_id) VALUES ('r1', 'r1-1', 'finished', 0, 0, 0, 9)`;
  expect(create("d").id).toBe(10);
});
