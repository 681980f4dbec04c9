// Root never works by path where an agent can plant something: at each place the VM (root, with
// the image's capabilities) reads or writes in a user's tree (the approval preview, send_file's
// staging, the inbox, checkpoints and /undo, archive and restore), a link to a root-only file
// outside, a link to a file that does not exist yet (under /etc), a swapped folder and a FIFO are
// planted as the agent could. Each answer comes by itself (the code bounds its own time: a FIFO
// read by root would hang the server, and the wait for its answer would fail the test), nothing
// outside is read into an answer, written, made or given away, and /health still answers.
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, lchownSync, lstatSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ARCHIVE_ROUTES, ARCHIVE_SHA256_HEADER, ArchivePartsSchema, ArchiveRestoredSchema } from "../../src/protocol/vm/archive";
import { VM_ROUTES } from "../../src/protocol/vm/routes";
import type { Attachment } from "../../src/protocol/vm/files";
import type { VmRunEvent } from "../../src/protocol/vm/runs";
import { userPathsOf, workspaceDirOf } from "../src/users/user-paths";
import { IS_ROOT, resultsOf, TOKEN, uniqueId, useHarness, type EventReader } from "./helpers/harness";
import { pngOf, useMediaServer } from "./helpers/media";
import { tempDir } from "./helpers/temp-dir";

const h = useHarness({ warmSessionMs: 0 });
const PNG = pngOf(4, 4);
const SECRET = "root-only secret 7f3a\n";
const media = useMediaServer((req, res) => {
  if (req.url !== "/media/ok") return false;
  res.writeHead(200, { "content-type": "image/png" }).end(PNG);
});
const image = (): Attachment => ({ url: media.url("/media/ok"), contentType: "image/png", size: PNG.length, kind: "image", ext: "png" });
const bash = (command: string) => `[[tool Bash ${JSON.stringify({ command })}]]`;
const ON = { approvals: { mode: "on" } } as const;

/** Outside every user's tree: a root-only folder with a root-only file, and a path under /etc that must never appear. */
let outside = "";
let secretFile = "";
const etcPaths: string[] = [];
beforeAll(() => {
  outside = tempDir("vm-planted-outside-");
  chmodSync(outside, 0o755);
  secretFile = join(outside, "secret.txt");
  writeFileSync(secretFile, SECRET, { mode: 0o600 });
});
afterAll(() => {
  // Only if a case failed: never leave a planted file in /etc.
  for (const path of etcPaths) rmSync(path, { recursive: true, force: true });
});
const etcPath = (name: string) => {
  const path = `/etc/relay-planted-${process.pid}-${name}`;
  etcPaths.push(path);
  return path;
};

/** What the agent could make in its own workspace: a link, or a FIFO, owned by its uid. */
function plantLink(workspace: string, name: string, target: string): void {
  const { uid, gid } = lstatSync(workspace);
  rmSync(join(workspace, name), { recursive: true, force: true });
  symlinkSync(target, join(workspace, name));
  lchownSync(join(workspace, name), uid, gid);
}
function plantFile(workspace: string, name: string, text: string): void {
  const { uid, gid } = lstatSync(workspace);
  writeFileSync(join(workspace, name), text);
  lchownSync(join(workspace, name), uid, gid);
}
function plantFifo(workspace: string, name: string): void {
  const { uid, gid } = lstatSync(workspace);
  rmSync(join(workspace, name), { recursive: true, force: true });
  expect(spawnSync("mkfifo", ["-m", "600", join(workspace, name)]).status).toBe(0);
  lchownSync(join(workspace, name), uid, gid);
}

/** Nothing outside was changed, made or given to the agent, and the server answers. */
async function expectOutsideUntouched(etc: string[]): Promise<void> {
  expect(readdirSync(outside)).toEqual(["secret.txt"]);
  const stat = lstatSync(secretFile);
  expect([readFileSync(secretFile, "utf8"), stat.uid, stat.mode & 0o777]).toEqual([SECRET, 0, 0o600]);
  for (const path of etc) expect(existsSync(path), path).toBe(false);
  expect((await h.call("GET", "/health")).status).toBe(200);
}

async function freshUser(userId: string, workspace = "main"): Promise<string> {
  const events = await (await h.startRun({ userId, workspace, text: "hello" })).end();
  expect(events.at(-1)?.type).toBe("done");
  return workspaceDirOf(userPathsOf(h.dataDir, userId), workspace);
}

const approvalOf = async (reader: EventReader) => {
  const event = await reader.waitFor((e) => e.type === "approval_request");
  if (event.type !== "approval_request") throw new Error("not an approval request");
  return event;
};

describe.skipIf(!IS_ROOT)("planted paths (agents with uids of their own: root only)", () => {
  type Plant = (workspace: string) => { etc: string[] };
  const previewCases: Array<{ name: string; user: string; file: string; plant: Plant; shown?: boolean }> = [
    // The control: the user's own file is read, and its edit shown.
    { name: "the user's own file", user: "+15550004700", file: "target.txt", plant: (w) => (plantFile(w, "target.txt", "a secret of the user\n"), { etc: [] }), shown: true },
    { name: "a FIFO", user: "+15550004701", file: "target.txt", plant: (w) => (plantFifo(w, "target.txt"), { etc: [] }) },
    { name: "a link to a root-only file outside", user: "+15550004702", file: "target.txt", plant: (w) => (plantLink(w, "target.txt", secretFile), { etc: [] }) },
    { name: "a link to a file under /etc not made yet", user: "+15550004703", file: "target.txt", plant: (w) => ({ etc: [(plantLink(w, "target.txt", etcPath("preview")), etcPath("preview"))] }) },
    { name: "a folder swapped for a link outside", user: "+15550004704", file: "sub/secret.txt", plant: (w) => (plantLink(w, "sub", outside), { etc: [] }) },
  ];

  it.each(previewCases)("the approval preview of `sed -i` on $name: shown only for the user's own file, nothing outside read", async ({ user: userId, file, plant, shown }) => {
    const { etc } = plant(await freshUser(userId));
    const runId = uniqueId("run");
    const reader = await h.startRun({ runId, userId, text: bash(`sed -i 's/secret/public/' ${file}`), options: ON });
    const request = await approvalOf(reader);
    expect(request.tool).toBe("Bash");
    if (shown) expect(request).toMatchObject({ edit: { path: "target.txt", added: 1, removed: 1 } });
    else expect(request).not.toHaveProperty("edit");
    expect(JSON.stringify(request)).not.toContain("root-only");
    expect((await h.call("POST", `/v1/runs/${runId}/approval`, { requestId: request.requestId, decision: "deny" })).status).toBe(202);
    await reader.end();
    await expectOutsideUntouched(etc);
  });

  const sendCases: Array<{ name: string; user: string; plant: Plant }> = [
    { name: "a FIFO", user: "+15550004711", plant: (w) => (plantFifo(w, "out.png"), { etc: [] }) },
    { name: "a link to a root-only file outside", user: "+15550004712", plant: (w) => (plantLink(w, "out.png", secretFile), { etc: [] }) },
    { name: "a link to a file under /etc not made yet", user: "+15550004713", plant: (w) => ({ etc: [(plantLink(w, "out.png", etcPath("send.png")), etcPath("send.png"))] }) },
  ];

  it.each(sendCases)("send_file of $name: not sent, and the agent is told", async ({ user: userId, plant }) => {
    const { etc } = plant(await freshUser(userId));
    const events = await (await h.startRun({ userId, text: '[[tool send_file {"path":"out.png"}]]', options: { permissionMode: "default", scheduleTools: true } })).end();
    expect(events.filter((e) => e.type === "tool_call")).toEqual([]);
    expect(resultsOf(events)[0]?.text).toContain("Not sent");
    await expectOutsideUntouched(etc);
  });

  const inboxCases: Array<{ name: string; user: string; plant: Plant }> = [
    { name: "a link to a root-only folder outside", user: "+15550004721", plant: (w) => (plantLink(w, "inbox", outside), { etc: [] }) },
    { name: "a link to a folder under /etc not made yet", user: "+15550004722", plant: (w) => ({ etc: [(plantLink(w, "inbox", etcPath("inbox")), etcPath("inbox"))] }) },
    { name: "a FIFO", user: "+15550004723", plant: (w) => (plantFifo(w, "inbox"), { etc: [] }) },
  ];

  it.each(inboxCases)("an attachment saved while the inbox is $name: refused, and the message still reaches the agent", async ({ user: userId, plant }) => {
    const { etc } = plant(await freshUser(userId));
    const events = await (await h.startRun({ userId, messages: [{ id: uniqueId("m"), text: "look at this", attachments: [image()] }] })).end();
    expect(events.at(-1)?.type).toBe("done");
    expect(resultsOf(events)[0]?.text).toMatch(/could not be fetched: .*look at this/);
    await expectOutsideUntouched(etc);
  });

  /** A workspace holding every kind of plant at once, for the whole-tree work (checkpoints, archive). */
  function plantAll(workspace: string, name: string): string[] {
    plantFifo(workspace, "pipe");
    plantLink(workspace, "leak.txt", secretFile);
    plantLink(workspace, "outside", outside);
    const etc = etcPath(name);
    plantLink(workspace, "later.txt", etc);
    return [etc];
  }
  const expectPlantsKept = (workspace: string) => {
    expect(lstatSync(join(workspace, "pipe")).isFIFO()).toBe(true);
    for (const link of ["leak.txt", "outside", "later.txt"]) expect(lstatSync(join(workspace, link)).isSymbolicLink(), link).toBe(true);
  };

  it("checkpoints around a run and /undo in a workspace of plants: the change is the run's file, nothing outside followed", async () => {
    const userId = "+15550004730";
    const workspace = await freshUser(userId);
    const etc = plantAll(workspace, "checkpoint");
    const events = await (await h.startRun({ userId, text: bash("echo made > made.txt"), options: { permissionMode: "bypassPermissions" } })).end();
    const done = events.at(-1) as Extract<VmRunEvent, { type: "done" }>;
    expect(done.type).toBe("done");
    expect(done.change?.files.map((f) => f.path)).toContain("made.txt");
    expect(JSON.stringify(events)).not.toContain("root-only");
    expect((await h.call("POST", VM_ROUTES.workspaceUndo("main", userId))).status).toBe(200);
    expect(existsSync(join(workspace, "made.txt"))).toBe(false);
    expectPlantsKept(workspace);
    await expectOutsideUntouched(etc);
  });

  it("archive and restore of a workspace of plants: links come back as links, the FIFO is not read, nothing outside touched", async () => {
    const userId = "+15550004740";
    const workspace = await freshUser(userId, "work");
    const etc = plantAll(workspace, "archive");
    writeFileSync(join(workspace, "kept.txt"), "kept\n");
    lchownSync(join(workspace, "kept.txt"), lstatSync(workspace).uid, lstatSync(workspace).gid);
    const prepared = await h.call("POST", ARCHIVE_ROUTES.archive(userId));
    expect(prepared.status).toBe(200);
    const { parts } = ArchivePartsSchema.parse(await prepared.json());
    const bytes = await Promise.all(parts.map(async (part) => ({ part, body: new Uint8Array(await (await h.call("GET", ARCHIVE_ROUTES.part(userId, part.name))).arrayBuffer()) })));
    for (const { body } of bytes) expect(Buffer.from(body).toString("latin1")).not.toContain("root-only");
    // The volume loses the user (as once R2 holds the parts), then gets the parts back.
    expect(await (await h.call("DELETE", ARCHIVE_ROUTES.data(userId))).json()).toEqual({ removed: true });
    expect(existsSync(workspace)).toBe(false);
    for (const { part, body } of bytes) {
      const put = await fetch(`${h.vm.url}${ARCHIVE_ROUTES.part(userId, part.name)}`, { method: "PUT", headers: { authorization: `Bearer ${TOKEN}`, [ARCHIVE_SHA256_HEADER]: part.sha256 }, body });
      expect(put.status).toBe(201);
    }
    const restored = await h.call("POST", ARCHIVE_ROUTES.restore(userId), { parts });
    expect(restored.status).toBe(200);
    expect(ArchiveRestoredSchema.parse(await restored.json()).workspaces).toContain("work");
    const back = workspaceDirOf(userPathsOf(h.dataDir, userId), "work");
    expect(readFileSync(join(back, "kept.txt"), "utf8")).toBe("kept\n");
    for (const link of ["leak.txt", "outside", "later.txt"]) expect(lstatSync(join(back, link)).isSymbolicLink(), link).toBe(true);
    expect(existsSync(join(back, "pipe")) && !lstatSync(join(back, "pipe")).isFIFO()).toBe(false);
    await expectOutsideUntouched(etc);
  });
});
