// A user's archive through the VM's routes, with the real CLI: two workspaces (commits, a tag, an
// uncommitted edit, an untracked file, an inbox file, a checkpoint), a session, an "always" rule;
// the parts streamed out, the VM's whole DATA_DIR wiped (a new volume: a new key for the user),
// the parts streamed back (a corrupted one refused), a restore cut off and repeated; then the
// files, the repository, /undo and a `--resume` whose model request holds the earlier turns.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { chownSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { ARCHIVE_ROUTES, ARCHIVE_SHA256_HEADER, ArchivePartsSchema, ArchiveRestoredSchema, type ArchivePart } from "../../src/protocol/vm/archive";
import { VM_ROUTES, VmErrorBodySchema } from "../../src/protocol/vm/routes";
import { createApprovalRules } from "../src/approvals/approval-rules";
import { userPathsOf, workspaceDirOf } from "../src/users/user-paths";
import { cliProjectDirName } from "../src/core/archive-plan";
import { git, makeBareRepo } from "./helpers/git-repo";
import { resultsOf, TOKEN, useHarness } from "./helpers/harness";

const h = useHarness({ allowLocalClones: true, warmSessionMs: 0 });
const userId = "+15550000390";
const bash = (command: string) => `[[tool Bash ${JSON.stringify({ command })}]]`;
const run = async (text: string, workspace: string, sessionId: string | null = null) =>
  (await h.startRun({ userId, workspace, sessionId, text, options: { permissionMode: "bypassPermissions" } })).end();
const dirOf = (workspace: string) => workspaceDirOf(userPathsOf(h.dataDir, userId), workspace);
const read = (workspace: string, path: string) => (existsSync(join(dirOf(workspace), path)) ? readFileSync(join(dirOf(workspace), path), "utf8") : null);
const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");
const put = (name: string, bytes: Uint8Array<ArrayBuffer>, sum = sha256(bytes)) =>
  fetch(`${h.vm.url}${ARCHIVE_ROUTES.part(userId, name)}`, { method: "PUT", headers: { authorization: `Bearer ${TOKEN}`, [ARCHIVE_SHA256_HEADER]: sum }, body: bytes });

it("archives a user, wipes the volume, and restores workspaces, /undo and a resumable session", { timeout: 240_000 }, async () => {
  const bare = makeBareRepo({ "a.txt": "v1\n", ".gitignore": "build/\n" });
  expect((await h.call("POST", VM_ROUTES.workspaces, { userId, workspace: "alpha", clone: { url: bare } })).status).toBe(201);
  expect((await h.call("POST", VM_ROUTES.workspaces, { userId, workspace: "beta" })).status).toBe(201);

  const first = await run(bash("printf 'v2\\n' > a.txt && git -c user.name=t -c user.email=t@e commit -qam second && git tag v2 && mkdir -p build inbox && printf 'big\\n' > build/out.bin && printf 'photo\\n' > inbox/2026-11-26-abcdef.jpg"), "alpha");
  const sessionId = resultsOf(first)[0]?.sessionId ?? null;
  expect(sessionId).not.toBeNull();
  await run(bash("printf 'edit\\n' >> a.txt && printf 'notes\\n' > notes.txt"), "alpha", sessionId);
  await run(bash("printf 'b\\n' > b.txt"), "beta");
  const paths = userPathsOf(h.dataDir, userId);
  const refsBefore = git(dirOf("alpha"), "-c", "safe.directory=*", "for-each-ref", "--format=%(objectname) %(refname)");
  createApprovalRules({ dataDir: h.dataDir, idsOf: () => null }).remember(paths.key, dirOf("alpha"), "Bash(ls:*)");

  // While a run is open: refused, nothing prepared.
  const live = await h.startRun({ userId, workspace: "beta", text: "slow [[slow 3000]]" });
  await live.waitFor((e) => e.type === "session");
  const busy = await h.call("POST", ARCHIVE_ROUTES.archive(userId));
  expect(busy.status).toBe(409);
  expect(VmErrorBodySchema.parse(await busy.json()).error).toBe("user_busy");
  await live.end();

  const prepared = await h.call("POST", ARCHIVE_ROUTES.archive(userId));
  expect(prepared.status).toBe(200);
  const { parts } = ArchivePartsSchema.parse(await prepared.json());
  expect(parts.map((p) => p.name)).toEqual(["workspace-alpha.tar", "workspace-beta.tar", "sessions.tar", "settings.json"]);
  const bytes = new Map<string, Uint8Array<ArrayBuffer>>();
  for (const part of parts) {
    const got = await h.call("GET", ARCHIVE_ROUTES.part(userId, part.name));
    expect(got.headers.get("content-length")).toBe(String(part.bytes));
    const body = new Uint8Array(await got.arrayBuffer());
    expect({ bytes: body.length, sha256: sha256(body) }).toEqual({ bytes: part.bytes, sha256: part.sha256 });
    bytes.set(part.name, body);
  }

  // A new volume: DATA_DIR empty, so the user's key (and every path of theirs) is a new one.
  await h.vm.close();
  rmSync(h.dataDir, { recursive: true, force: true });
  mkdirSync(h.dataDir);
  await h.restart();
  expect(userPathsOf(h.dataDir, userId).key).not.toBe(paths.key);

  // A corrupted part is refused and nothing of it kept: a restore then says it is not staged.
  const alpha = bytes.get("workspace-alpha.tar") ?? new Uint8Array();
  const corrupted = Uint8Array.from(alpha, (b, i) => (i === 600 ? b ^ 0xff : b));
  const refused = await put("workspace-alpha.tar", corrupted, sha256(alpha));
  expect(refused.status).toBe(400);
  expect(VmErrorBodySchema.parse(await refused.json()).message).toMatch(/^part workspace-alpha\.tar has sha256 .*nothing was kept$/);
  const notStaged = await h.call("POST", ARCHIVE_ROUTES.restore(userId), { parts });
  expect(notStaged.status).toBe(400);
  expect(VmErrorBodySchema.parse(await notStaged.json()).message).toContain("workspace-alpha.tar is not staged");
  for (const part of parts) expect((await put(part.name, bytes.get(part.name) ?? new Uint8Array())).status).toBe(201);

  // Cut off after the workspaces (the sessions cannot be written: ~/.claude is a file), then repeated.
  // The user's directories made as the VM makes them (an empty "main"), then the file, as their owner.
  expect((await h.call("POST", VM_ROUTES.workspaces, { userId, workspace: "main" })).status).toBe(201);
  const fresh = userPathsOf(h.dataDir, userId);
  const owner = statSync(fresh.home);
  writeFileSync(join(fresh.home, ".claude"), "in the way\n");
  chownSync(join(fresh.home, ".claude"), owner.uid, owner.gid);
  expect((await h.call("POST", ARCHIVE_ROUTES.restore(userId), { parts })).status).toBe(500);
  expect(read("alpha", "a.txt")).not.toBeNull();
  rmSync(join(fresh.home, ".claude"));
  const restored = await h.call("POST", ARCHIVE_ROUTES.restore(userId), { parts });
  expect(restored.status).toBe(200);
  expect(ArchiveRestoredSchema.parse(await restored.json())).toEqual({ workspaces: ["alpha", "beta"], sessions: 3 });
  // Again: the same answer, nothing written; another archive over this data is refused.
  expect(await (await h.call("POST", ARCHIVE_ROUTES.restore(userId), { parts })).json()).toEqual({ workspaces: ["alpha", "beta"], sessions: 3 });
  const other: ArchivePart[] = parts.filter((p) => p.name !== "workspace-beta.tar");
  const overData = await h.call("POST", ARCHIVE_ROUTES.restore(userId), { parts: other });
  expect(overData.status).toBe(409);
  expect(VmErrorBodySchema.parse(await overData.json())).toMatchObject({ error: "user_has_data", message: expect.stringContaining("already has data") });

  // The files, the uncommitted edit and the untracked file; the ignored build output is not archived.
  expect([read("alpha", "a.txt"), read("alpha", "notes.txt"), read("alpha", "inbox/2026-11-26-abcdef.jpg"), read("alpha", "build/out.bin"), read("beta", "b.txt")]).toEqual([
    "v2\nedit\n",
    "notes\n",
    "photo\n",
    null,
    "b\n",
  ]);
  const repo = dirOf("alpha");
  const look = (...args: string[]) => git(repo, "-c", "safe.directory=*", ...args);
  // (The helper trims: " M" reads "M".) The edit is not staged, as before.
  expect(look("status", "--porcelain")).toBe("M a.txt\n?? inbox/\n?? notes.txt");
  expect(look("diff", "--cached", "--name-only")).toBe("");
  expect(look("branch", "--show-current")).toBe("trunk");
  expect(look("for-each-ref", "--format=%(objectname) %(refname)")).toBe(refsBefore);
  expect(refsBefore).toContain("refs/tags/v2");
  expect(look("log", "--format=%s", "-2")).toBe("second\nfirst");
  expect(look("remote", "get-url", "origin")).toBe(bare);
  const rules = await (await h.call("GET", VM_ROUTES.approvalRules("alpha", userId))).json();
  expect(rules).toEqual({ workspace: "alpha", rules: ["Bash(ls:*)"] });

  // /undo takes back the last run's change, from the restored checkpoints.
  expect((await h.call("POST", VM_ROUTES.workspaceUndo("alpha", userId))).status).toBe(200);
  expect([read("alpha", "a.txt"), read("alpha", "notes.txt")]).toEqual(["v2\n", null]);
  // And in a workspace that is no repository.
  expect((await h.call("POST", VM_ROUTES.workspaceUndo("beta", userId))).status).toBe(200);
  expect(read("beta", "b.txt")).toBeNull();

  // The session is where the CLI keeps the new path's sessions, and resumes in the new process.
  const projects = join(userPathsOf(h.dataDir, userId).home, ".claude", "projects");
  expect(existsSync(join(projects, cliProjectDirName(repo), `${sessionId}.jsonl`))).toBe(true);
  // The model's request holds the earlier turns.
  const resumed = await run("which files?", "alpha", sessionId);
  expect(resultsOf(resumed)[0]?.text).toContain("This conversation has 3 user messages");
  const last = JSON.stringify(h.api.requests.filter((r) => r.path.startsWith("/v1/messages")).at(-1)?.body);
  expect(last).toContain("printf 'edit\\\\n' >> a.txt");
});
