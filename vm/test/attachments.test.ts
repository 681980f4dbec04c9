// An image the user sent, with the real CLI and the offline model: the VM downloads it from the
// relay's link into the project's inbox, the agent is told where, and the CLI's Read tool hands the
// picture itself to the model. Attachments of mid-run input keep their turn's place.
import { lstatSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import type { Attachment } from "../../src/protocol/vm/files";
import { userPathsOf } from "../src/users/user-paths";
import { IS_ROOT, resultsOf, uniqueId, useHarness } from "./helpers/harness";
import { pngOf, useMediaServer } from "./helpers/media";

const h = useHarness();
const PNG = pngOf(8, 8);
const media = useMediaServer((req, res) => {
  if (req.url === "/media/screenshot") res.writeHead(200, { "content-type": "image/png", "content-length": PNG.length }).end(PNG);
  else if (req.url === "/media/slow") setTimeout(() => res.writeHead(200, { "content-type": "image/png" }).end(PNG), 1500);
  else return false;
});

const image = (path: string): Attachment => ({ url: media.url(path), contentType: "image/png", size: PNG.length, kind: "image", ext: "png" });

type ImageBlock = { type: "image"; source: { type: string; media_type: string; data: string } };
/** The images the model was given in tool results, over every request the offline model received. */
function imagesSeen(): ImageBlock[] {
  const blocks = h.api.requests.flatMap((r) => ((r.body as { messages?: Array<{ content?: unknown }> })?.messages ?? []).flatMap((m) => (Array.isArray(m.content) ? m.content : [])));
  return blocks
    .filter((b): b is { type: "tool_result"; content: unknown[] } => b?.type === "tool_result" && Array.isArray(b.content))
    .flatMap((b) => b.content)
    .filter((c): c is ImageBlock => (c as { type?: unknown })?.type === "image");
}

it("saves the image into inbox/ and the CLI's Read tool gives it to the model", async () => {
  const userId = "+15550001301";
  const reader = await h.startRun({ userId, messages: [{ id: uniqueId("m"), text: "what is wrong here? [[read-attachments]]", attachments: [image("/media/screenshot")] }] });
  const events = await reader.end();
  expect(events.map((e) => e.type)).toEqual(["session", "progress", "result", "done"]);
  const progress = events.find((e) => e.type === "progress");
  expect(progress).toMatchObject({ text: expect.stringMatching(/^Reading inbox\/\d{4}-\d{2}-\d{2}-[0-9a-f]{6}\.png$/) });

  // The agent was told, in its own words, where the file is; the model asked to read exactly that.
  const told = h.api.requests.flatMap((r) => JSON.stringify(r.body).match(/The user sent an image: inbox\/[^ ]+ \(image\/png, 162 bytes\)\\nwhat is wrong here\?/g) ?? []);
  expect(told.length).toBeGreaterThan(0);
  const [seen] = imagesSeen();
  expect(seen?.source).toMatchObject({ type: "base64", media_type: "image/png" });
  expect(Buffer.from(seen?.source.data ?? "", "base64")).toEqual(PNG);
  expect(resultsOf(events)[0]?.text).toBe(`[offline model] The Read tool answered: [image image/png, ${PNG.length} bytes]`);

  const path = progress?.type === "progress" ? progress.text.replace("Reading ", "") : "";
  const saved = join(userPathsOf(h.dataDir, userId).workspace, path);
  expect(readFileSync(saved)).toEqual(PNG);
  // Made as the user's own uid (as root), like everything in their tree.
  if (IS_ROOT) expect([lstatSync(saved).uid, lstatSync(saved).uid === 0]).toEqual([lstatSync(userPathsOf(h.dataDir, userId).workspace).uid, false]);
});

it("keeps the order of mid-run input while an attachment downloads", async () => {
  const runId = uniqueId("run");
  const reader = await h.startRun({ runId, userId: "+15550001302", text: "[[slow 2500]] first" });
  await reader.waitFor((e) => e.type === "session");
  const withImage = await h.call("POST", `/v1/runs/${runId}/input`, { messages: [{ id: uniqueId("m"), text: "second, with a picture", attachments: [image("/media/slow")] }] });
  const plain = await h.call("POST", `/v1/runs/${runId}/input`, { messages: [{ id: uniqueId("m"), text: "third" }] });
  expect([withImage.status, plain.status]).toEqual([202, 202]);
  const events = await reader.end();
  expect(events.at(-1)?.type).toBe("done");
  // Every message answered, and the model read them in the order they were sent.
  expect(resultsOf(events).flatMap((r) => r.messageIds)).toHaveLength(3);
  const last = JSON.stringify(h.api.requests.at(-1)?.body);
  const [first, second, third] = ["first", "second, with a picture", "third"].map((text) => last.indexOf(text));
  expect(first).toBeGreaterThanOrEqual(0);
  expect(second).toBeGreaterThan(first ?? 0);
  expect(third).toBeGreaterThan(second ?? 0);
  expect(last).toMatch(/The user sent an image: inbox\/[^ ]+ \(image\/png, 162 bytes\)\\nsecond, with a picture/);
});
