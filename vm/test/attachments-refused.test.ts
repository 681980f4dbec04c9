// Attachments that cannot be saved, with the real CLI: an `inbox` the agent replaced with a symlink
// into another user's tree is never written through, a link that fails is told in one line, and
// the rest of the message reaches the agent either way.
import { lchownSync, lstatSync, mkdirSync, readdirSync, rmSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import type { Attachment } from "../../src/protocol/vm/files";
import { userPathsOf } from "../src/users/user-paths";
import { resultsOf, uniqueId, useHarness } from "./helpers/harness";
import { pngOf, useMediaServer } from "./helpers/media";

const h = useHarness();
const PNG = pngOf(4, 4);
const media = useMediaServer((req, res) => {
  if (req.url === "/media/ok") res.writeHead(200, { "content-type": "image/png" }).end(PNG);
  else if (req.url === "/media/expired") res.writeHead(404).end();
  else return false;
});
const image = (path: string): Attachment => ({ url: media.url(path), contentType: "image/png", size: PNG.length, kind: "image", ext: "png" });

it("refuses an inbox planted as a symlink into another user's tree, and tells the agent", async () => {
  const victim = "+15550001311";
  const agent = "+15550001312";
  // Both users' trees exist, made by the VM as each user.
  for (const userId of [victim, agent]) expect((await (await h.startRun({ userId, text: "hello" })).end()).at(-1)?.type).toBe("done");
  const theirs = userPathsOf(h.dataDir, victim).workspace;
  const mine = userPathsOf(h.dataDir, agent).workspace;
  mkdirSync(join(theirs, "notes"), { recursive: true });
  const before = readdirSync(theirs);
  // What an agent could do in its own project: replace inbox with a link (its own, as it would be).
  rmSync(join(mine, "inbox"), { recursive: true, force: true });
  symlinkSync(theirs, join(mine, "inbox"));
  lchownSync(join(mine, "inbox"), lstatSync(mine).uid, lstatSync(mine).gid);

  const events = await (await h.startRun({ userId: agent, messages: [{ id: uniqueId("m"), text: "look at this", attachments: [image("/media/ok")] }] })).end();
  expect(events.at(-1)?.type).toBe("done");
  expect(resultsOf(events)[0]?.text).toContain(
    `The user sent an image (image/png, ${PNG.length} bytes) that could not be fetched: the project's inbox is a symbolic link, and attachments are saved only into a real inbox directory. look at this`,
  );
  expect(readdirSync(theirs)).toEqual(before);
  expect(lstatSync(join(mine, "inbox")).isSymbolicLink()).toBe(true);
});

it("tells the agent which attachment could not be fetched, and the rest still goes", async () => {
  const userId = "+15550001313";
  const attachments = [image("/media/ok"), { ...image("/media/expired"), contentType: "application/pdf", kind: "document" as const, ext: "pdf" as const, size: 1_200_000 }];
  const events = await (await h.startRun({ userId, messages: [{ id: uniqueId("m"), text: "both of these", attachments }] })).end();
  expect(events.at(-1)?.type).toBe("done");
  // What the model read: one line per attachment, then the message's text.
  const told = h.api.requests.flatMap((r) => JSON.stringify(r.body).match(/The user sent an image: inbox[^"]*both of these/g) ?? []);
  expect(told[0]?.split("\\n")).toEqual([
    expect.stringMatching(new RegExp(`^The user sent an image: inbox/\\d{4}-\\d{2}-\\d{2}-[0-9a-f]{6}\\.png \\(attachment 1 of 2; image/png, ${PNG.length} bytes\\)$`)),
    "The user sent a document (attachment 2 of 2; application/pdf, 1.2 MB) that could not be fetched: the relay answered HTTP 404.",
    "both of these",
  ]);
  expect(readdirSync(join(userPathsOf(h.dataDir, userId).workspace, "inbox"))).toHaveLength(1);
});
