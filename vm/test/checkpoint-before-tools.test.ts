// The checkpoint before a run is off the path to the model (it starts when the run's process first
// asks the model, and the answer waits for it), but no tool runs before it is recorded: with a slow checkpoint (thousands of new files to record) and a warm process whose
// model answers at once with a Write, the file the Write made is the run's change, so the
// checkpoint saw the workspace before it. Also: what the user sent (inbox/) is never the change.
import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import type { Attachment } from "../../src/protocol/vm/files";
import type { VmRunEvent } from "../../src/protocol/vm/runs";
import { userPathsOf } from "../src/users/user-paths";
import { resultsOf, uniqueId, useHarness } from "./helpers/harness";
import { pngOf, useMediaServer } from "./helpers/media";

/** The VM's timing marks, in the order they came: when each run's checkpoint before it started. */
const marks: { runId: string; mark: string }[] = [];
const h = useHarness({ warmSessionMs: 60_000 }, { onTiming: (runId, mark) => void marks.push({ runId, mark }) });
const userId = "+15550003434";
const doneOf = (events: VmRunEvent[]) => events.find((e) => e.type === "done");
const options = { permissionMode: "bypassPermissions" as const };
const PNG = pngOf(8, 8);
const media = useMediaServer((req, res) => {
  if (req.url === "/media/photo") res.writeHead(200, { "content-type": "image/png", "content-length": PNG.length }).end(PNG);
  else return false;
});

it("records the checkpoint before the model's first Write runs, while the turn goes to the warm process at once", async () => {
  const workspace = userPathsOf(h.dataDir, userId).workspace;
  const first = await (await h.startRun({ userId, text: "warm up", options })).end();
  const sessionId = resultsOf(first)[0]?.sessionId ?? null;
  expect(sessionId).not.toBeNull();

  // Enough new files that recording them takes a while (each is hashed into the shadow
  // repository), and a file past them that the model's first answer rewrites: a checkpoint that
  // the Write overtook would record the new text as the "before".
  const bulk = join(workspace, "bulk");
  mkdirSync(bulk, { recursive: true });
  for (let i = 0; i < 4000; i++) writeFileSync(join(bulk, `f${i}.txt`), `file ${i}\n`);
  const target = join(workspace, "zz-notes.txt");
  writeFileSync(target, "as the user left it\n");

  const write = `[[tool Write ${JSON.stringify({ file_path: target, content: "made by the first answer\n" })}]]`;
  const second = await (await h.startRun({ userId, sessionId, text: write, options })).end();
  // The warm process took it: no new process, so nothing but the checkpoint stood between.
  expect(h.spawns).toHaveLength(1);
  const done = doneOf(second);
  expect(done?.type === "done" && done.change?.files).toEqual([{ path: "zz-notes.txt", status: "modified", insertions: 1, deletions: 1 }]);
});

it("a run that only received a file has no change: the inbox is what the user sent", async () => {
  const image: Attachment = { url: media.url("/media/photo"), contentType: "image/png", size: PNG.length, kind: "image", ext: "png" };
  const events = await (await h.startRun({ userId: "+15550003435", messages: [{ id: uniqueId("m"), text: "here is a picture", attachments: [image] }], options })).end();
  const done = doneOf(events);
  expect(done?.type).toBe("done");
  // Saved into the project's inbox during the run, and still not the agent's change.
  const inbox = join(userPathsOf(h.dataDir, "+15550003435").workspace, "inbox");
  expect(readdirSync(inbox)).toHaveLength(1);
  expect(done?.type === "done" && done.change).toBeUndefined();
});

it("starts the checkpoint when the run's process first asks the model, not beside its start, and still records it before the first Write", async () => {
  const user = "+15550003436";
  const runId = uniqueId("run");
  const target = join(userPathsOf(h.dataDir, user).workspace, "made.txt");
  const write = `[[tool Write ${JSON.stringify({ file_path: target, content: "made by the first answer\n" })}]]`;
  const events = await (await h.startRun({ runId, userId: user, text: write, options })).end();
  // A cold start: the process was spawned, and only its model request started the checkpoint.
  // (Started beside the start, as before, its git work ran while the process loaded, ahead of the spawn.)
  const order = marks.filter((m) => m.runId === runId).map((m) => m.mark);
  expect(order).toContain("spawned");
  expect(order.indexOf("checkpoint_started")).toBeGreaterThan(order.indexOf("spawned"));
  expect(order.filter((m) => m === "checkpoint_started")).toHaveLength(1);
  const done = doneOf(events);
  expect(done?.type === "done" && done.change?.files).toEqual([{ path: "made.txt", status: "added", insertions: 1, deletions: 0 }]);
});
