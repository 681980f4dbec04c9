// `send_file` with the real CLI and the offline model: a file of the project is checked and staged,
// the `tool_call` carries its id, name, type and size (never its bytes), the relay fetches the bytes
// with the token, and the staged copy goes a while after the run. Paths outside the project,
// directories, files too large or of a type WhatsApp refuses come back to the agent as errors, and
// nothing reaches the relay.
import { chownSync, existsSync, lstatSync, mkdirSync, readdirSync, symlinkSync, writeFileSync, lchownSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { SendFileCallArgsSchema } from "../../src/protocol/vm/files";
import { VM_ROUTES } from "../../src/protocol/vm/routes";
import type { VmRunEvent } from "../../src/protocol/vm/runs";
import { userPathsOf } from "../src/users/user-paths";
import { IS_ROOT, resultsOf, uniqueId, useHarness } from "./helpers/harness";
import { pngOf } from "./helpers/media";

const h = useHarness({ stagedFileGraceMs: 1_500 });
const WITH_TOOLS = { permissionMode: "default", scheduleTools: true } as const;
const PNG = pngOf(16, 16);

/** A file in the user's project, owned by the user as if the agent had made it. */
function plant(userId: string, path: string, content: Buffer | string): void {
  const workspace = userPathsOf(h.dataDir, userId).workspace;
  const { uid, gid } = lstatSync(workspace);
  const full = join(workspace, path);
  mkdirSync(join(full, ".."), { recursive: true });
  writeFileSync(full, content);
  if (IS_ROOT) {
    chownSync(join(full, ".."), uid, gid);
    chownSync(full, uid, gid);
  }
}

const toolCalls = (events: VmRunEvent[]) => events.filter((e): e is Extract<VmRunEvent, { type: "tool_call" }> => e.type === "tool_call");

it("stages a file of the project, announces it without its bytes, and serves it to the relay with the token", async () => {
  const userId = "+15550001401";
  await (await h.startRun({ userId, text: "hello" })).end();
  plant(userId, "out/chart.png", PNG);
  const runId = uniqueId("run");
  const reader = await h.startRun({ runId, userId, text: '[[tool send_file {"path":"out/chart.png","caption":"the chart"}]]', options: WITH_TOOLS });
  const call = await reader.waitFor((e) => e.type === "tool_call");
  if (call.type !== "tool_call") throw new Error("not a tool call");
  expect(call.name).toBe("send_file");
  const args = SendFileCallArgsSchema.parse(call.args);
  expect(args).toEqual({ fileId: expect.stringMatching(/^file_[A-Za-z0-9_-]{22}$/), name: "chart.png", contentType: "image/png", size: PNG.length, caption: "the chart" });
  expect(JSON.stringify(call)).not.toContain(PNG.subarray(16, 40).toString("base64").slice(0, 12));

  // The relay copies it before answering.
  const fetched = await h.call("GET", VM_ROUTES.runFile(runId, args.fileId));
  expect(fetched.status).toBe(200);
  expect([fetched.headers.get("content-type"), fetched.headers.get("content-length")]).toEqual(["image/png", String(PNG.length)]);
  expect(Buffer.from(await fetched.arrayBuffer())).toEqual(PNG);
  // Only with the token, only for its own run, only the ids that were staged.
  expect((await h.call("GET", VM_ROUTES.runFile(runId, args.fileId), undefined, null)).status).toBe(401);
  expect((await h.call("GET", VM_ROUTES.runFile(runId, args.fileId), undefined, "wrong")).status).toBe(401);
  for (const path of [VM_ROUTES.runFile(uniqueId("run"), args.fileId), VM_ROUTES.runFile(runId, "file_nope"), VM_ROUTES.runFile(runId, "..%2F..%2Fetc%2Fpasswd")]) {
    const missing = await h.call("GET", path);
    expect([path, missing.status, await missing.json()]).toEqual([path, 404, { error: "unknown_file" }]);
  }

  expect((await h.call("POST", VM_ROUTES.toolResult(runId), { callId: call.callId, ok: true, text: "Sent chart.png to the user." })).status).toBe(202);
  const events = await reader.end();
  expect(resultsOf(events)[0]?.text).toBe("[offline model] The mcp__relay__send_file tool answered: Sent chart.png to the user.");

  // The server's own copy, out of every agent's reach, gone a while after the run.
  const staged = join(h.dataDir, ".files");
  expect(readdirSync(staged)).toEqual([args.fileId]);
  if (IS_ROOT) expect([lstatSync(staged).uid, lstatSync(staged).mode & 0o777, lstatSync(join(staged, args.fileId)).mode & 0o777]).toEqual([0, 0o700, 0o600]);
  await expect.poll(async () => (await h.call("GET", VM_ROUTES.runFile(runId, args.fileId))).status, { timeout: 10_000 }).toBe(404);
  expect(existsSync(join(staged, args.fileId))).toBe(false);
});

it("refuses what WhatsApp would not take or what is not the project's, and emits nothing", async () => {
  const userId = "+15550001402";
  await (await h.startRun({ userId, text: "hello" })).end();
  const workspace = userPathsOf(h.dataDir, userId).workspace;
  plant(userId, "big.png", Buffer.concat([PNG, Buffer.alloc(5_000_001 - PNG.length)]));
  plant(userId, "anim.png", Buffer.from("GIF89a\x01\x00\x01\x00", "latin1"));
  plant(userId, "notes.txt", "just text\n");
  plant(userId, "dir/inside.txt", "x");
  // A link inside the project to a file outside it (another user's would be refused the same way).
  symlinkSync("/etc/hostname", join(workspace, "escape.png"));
  if (IS_ROOT) lchownSync(join(workspace, "escape.png"), lstatSync(workspace).uid, lstatSync(workspace).gid);

  // One call a run: the CLI cancels the other calls of a message when one of them fails (observed).
  const refusals: Array<[string, string]> = [
    ["/etc/passwd", "/etc/passwd is outside the project; only files in the project directory can be sent."],
    ["../../../x", "../../../x is outside the project; only files in the project directory can be sent."],
    ["gone.pdf", "gone.pdf does not exist."],
    ["escape.png", "escape.png is outside the project; only files in the project directory can be sent."],
    ["dir", "dir is a directory, not a file: send the files in it one by one."],
    ["big.png", "big.png is 5 MB (image/png); WhatsApp takes images up to 5 MB: scale it down or save it as a JPEG of lower quality."],
    ["anim.png", "anim.png is a GIF image (image/gif), which WhatsApp does not take: convert it to PNG or JPEG first."],
    ["notes.txt", "notes.txt is a plain-text file, which WhatsApp does not take"],
  ];
  let sessionId: string | null = null;
  for (const [path, why] of refusals) {
    // The same session: its warm process takes each next run.
    const events = await (await h.startRun({ userId, sessionId, text: `[[tool send_file ${JSON.stringify({ path })}]]`, options: WITH_TOOLS })).end();
    sessionId = resultsOf(events)[0]?.sessionId ?? null;
    expect(toolCalls(events), path).toEqual([]);
    expect(resultsOf(events)[0]?.text, path).toContain(`The mcp__relay__send_file tool failed: Not sent: ${why}`);
  }
  expect(readdirSync(join(h.dataDir, ".files"))).toEqual([]);
});
