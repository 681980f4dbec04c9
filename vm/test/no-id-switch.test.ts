// The server never switches its own ids (issue 22): `seteuid`/`setegid`/`setgroups` would change
// every thread of the process, and libuv's pool would do the server's other file work as a user
// meanwhile. Every VM of the tests runs with those calls refused (helpers/harness.ts: in its child
// through id-switch-preload.mjs, whose lines fail the file when the harness closes);
// here, as root with agents of their own uids, every flow that once switched runs through once
// (a clone moved into place, a run's directories, git config and gh's hosts file, the relay MCP
// config, a saved attachment, an "always" rule remembered, listed and forgotten, send_file's
// checked read and the served copy, a workspace deleted, the restart that sweeps clones and reads
// /proc for leftover agents), and not one switch is attempted. What the server keeps is root's;
// what it made for a user is the user's.
import { chownSync, lchownSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { SendFileCallArgsSchema } from "../../src/protocol/vm/files";
import { VM_ROUTES } from "../../src/protocol/vm/routes";
import { userPathsOf, workspaceDirOf } from "../src/users/user-paths";
import { makeBareRepo } from "./helpers/git-repo";
import { IS_ROOT, uniqueId, useHarness, type EventReader } from "./helpers/harness";
import { assertNoIdSwitch, ID_SWITCHES, installIdSwitchGuard, processFunction } from "./helpers/id-switch-guard";
import { pngOf, useMediaServer } from "./helpers/media";

const SRC = fileURLToPath(new URL("../src", import.meta.url));

describe("the guard", () => {
  it("refuses every id switch of this process, and reports even one whose throw was caught", () => {
    const calls = installIdSwitchGuard();
    const tried = ID_SWITCHES.filter((name) => typeof processFunction(name) === "function");
    expect(tried).toEqual(expect.arrayContaining(["seteuid", "setegid", "setgroups"]));
    for (const name of tried) expect(() => (processFunction(name) as (id: unknown) => void)(20_000), name).toThrow(/must never switch its own ids/);
    expect(calls).toHaveLength(tried.length);
    expect(() => assertNoIdSwitch()).toThrow(/switched its ids \d+ time\(s\):\nprocess\.seteuid\(20000\)/);
    // Reported once: the next check starts clean.
    expect(() => assertNoIdSwitch()).not.toThrow();
  });
});

describe("the server's sources", () => {
  it("call none of the id switches (the runtime guard is the proof; this names the file at once)", () => {
    const sources = readdirSync(SRC, { recursive: true, encoding: "utf8" }).filter((name) => name.endsWith(".ts"));
    expect(sources.length).toBeGreaterThan(20);
    const calls = sources.flatMap((name) =>
      [...readFileSync(join(SRC, name), "utf8").matchAll(new RegExp(`\\.(${ID_SWITCHES.join("|")})\\s*\\(`, "g"))].map((m) => `${name}: ${m[0]}`),
    );
    expect(calls).toEqual([]);
  });
});

describe.skipIf(!IS_ROOT)("as root with agents of their own uids (skipped when not root: nothing switches users then)", () => {
  const h = useHarness({ allowLocalClones: true, warmSessionMs: 0, githubToken: "ghp_offlineTestToken0123456789" });
  const PNG = pngOf(8, 8);
  const media = useMediaServer((req, res) => {
    if (req.url === "/media/photo") res.writeHead(200, { "content-type": "image/png", "content-length": PNG.length }).end(PNG);
    else return false;
  });
  const repo = makeBareRepo({ "README.md": "# app\n" });
  const userId = "+15550002201";
  const paths = () => userPathsOf(h.dataDir, userId);
  const app = () => workspaceDirOf(paths(), "app");

  async function approvalOf(reader: EventReader) {
    const event = await reader.waitFor((e) => e.type === "approval_request");
    if (event.type !== "approval_request") throw new Error("not an approval request");
    return event;
  }

  it("does every flow that once switched ids without switching them", async () => {
    // A clone: the user's directories, git as the user, the staging directory moved into place as the user.
    const cloned = await h.call("POST", "/v1/workspaces", { userId, workspace: "app", clone: { url: repo } });
    expect(cloned.status).toBe(201);
    const agentUid = lstatSync(paths().root).uid;
    expect(agentUid).toBeGreaterThanOrEqual(20_000);
    expect(lstatSync(app()).uid).toBe(agentUid);

    // A run with an attachment and approvals: the relay MCP config, git config and gh's hosts
    // file written and the attachment saved, all as the user; the "always" rule is the server's own
    // file (approval-rules.ts), out of the agent's reach.
    const runId = uniqueId("run");
    const reader = await h.startRun({
      runId,
      userId,
      workspace: "app",
      messages: [{ id: uniqueId("m"), text: '[[tool Bash {"command":"touch one.txt"}]]', attachments: [{ url: media.url("/media/photo"), contentType: "image/png", size: PNG.length, kind: "image", ext: "png" }] }],
      options: { permissionMode: "default", approvals: { mode: "on" } },
    });
    const asked = await approvalOf(reader);
    expect((await h.call("POST", `/v1/runs/${runId}/approval`, { requestId: asked.requestId, decision: "allow", remember: "Bash(touch:*)" })).status).toBe(202);
    expect((await reader.end()).at(-1)).toMatchObject({ type: "done" });
    const [saved] = readdirSync(join(app(), "inbox"));
    expect(readFileSync(join(app(), "inbox", saved ?? ""))).toEqual(PNG);
    const home = paths().home;
    for (const path of [join(app(), "inbox", saved ?? ""), join(app(), "one.txt"), join(home, ".config", "git", "config"), join(home, ".config", "gh", "config.yml"), join(home, ".gitconfig")]) {
      expect([path, lstatSync(path).uid]).toEqual([path, agentUid]);
    }

    // The rule read and forgotten through the server's checked read and the user's child.
    const rules = async () => (await (await h.call("GET", VM_ROUTES.approvalRules("app", userId))).json()) as { rules: string[] };
    expect((await rules()).rules).toEqual(["Bash(touch:*)"]);
    expect((await h.call("DELETE", VM_ROUTES.approvalRules("app", userId))).status).toBe(200);
    expect((await rules()).rules).toEqual([]);

    // send_file: resolved as the user, read by the server through a checked open, copied into the server's own area.
    mkdirSync(join(app(), "out"));
    writeFileSync(join(app(), "out", "chart.png"), PNG);
    for (const path of ["out", "out/chart.png"]) chownSync(join(app(), path), agentUid, agentUid);
    const sendId = uniqueId("run");
    const sending = await h.startRun({ runId: sendId, userId, workspace: "app", text: '[[tool send_file {"path":"out/chart.png"}]]', options: { permissionMode: "default", scheduleTools: true } });
    const call = await sending.waitFor((e) => e.type === "tool_call");
    if (call.type !== "tool_call") throw new Error("not a tool call");
    const { fileId } = SendFileCallArgsSchema.parse(call.args);
    const fetched = await h.call("GET", VM_ROUTES.runFile(sendId, fileId));
    expect(Buffer.from(await fetched.arrayBuffer())).toEqual(PNG);
    expect(lstatSync(join(h.dataDir, ".files", fileId)).uid).toBe(0);
    expect((await h.call("POST", VM_ROUTES.toolResult(sendId), { callId: call.callId, ok: true, text: "Sent." })).status).toBe(202);
    await sending.end();

    // A clone's staging directory left by a stopped server, and a restart: swept as the user, /proc read for leftovers.
    mkdirSync(join(paths().root, ".clone-app-0000dead"));
    chownSync(join(paths().root, ".clone-app-0000dead"), agentUid, agentUid);
    await h.restart();
    await expect.poll(() => readdirSync(paths().root).filter((name) => name.startsWith(".clone-")), { timeout: 10_000 }).toEqual([]);

    // The workspace deleted as the user.
    expect((await h.call("DELETE", VM_ROUTES.workspace("app", userId))).status).toBe(200);
    expect(readdirSync(join(paths().root, "workspaces"))).toEqual([]);
    assertNoIdSwitch();
  });

  it("says nothing of another user's workspaces through a link an agent put in its own tree", async () => {
    const other = "+15550002202";
    expect((await h.call("POST", "/v1/workspaces", { userId: other, workspace: "theirs" })).status).toBe(201);
    const mine = userPathsOf(h.dataDir, "+15550002203");
    expect((await h.call("POST", "/v1/workspaces", { userId: "+15550002203", workspace: "own" })).status).toBe(201);
    // The agent's `workspaces` replaced by a link to the other user's.
    const agentUid = lstatSync(mine.root).uid;
    rmSync(join(mine.root, "workspaces"), { recursive: true });
    symlinkSync(join(userPathsOf(h.dataDir, other).root, "workspaces"), join(mine.root, "workspaces"));
    lchownSync(join(mine.root, "workspaces"), agentUid, agentUid);
    // The same answers for a workspace the other user has and one nobody has.
    for (const workspace of ["theirs", "nobodys"]) {
      const seen = await Promise.all([
        h.call("GET", VM_ROUTES.approvalRules(workspace, "+15550002203")).then((r) => r.status),
        h.call("DELETE", VM_ROUTES.approvalRules(workspace, "+15550002203")).then((r) => r.status),
        h.call("DELETE", VM_ROUTES.workspace(workspace, "+15550002203")).then((r) => r.status),
        h.call("POST", "/v1/workspaces", { userId: "+15550002203", workspace, clone: { url: repo } }).then((r) => r.status),
      ]);
      expect([workspace, ...seen]).toEqual([workspace, 404, 404, 404, 409]);
    }
    expect(readdirSync(join(userPathsOf(h.dataDir, other).root, "workspaces"))).toEqual(["theirs"]);
    assertNoIdSwitch();
  });
});
