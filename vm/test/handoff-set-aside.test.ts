// What the agent wrote that would run code on the laptop (a SessionStart hook in .claude/settings.json,
// .mcp.json, a link out of the folder) arrives set aside as `….from-phone`, named in the script's
// output, invisible to git there; the laptop's work then goes back without them and the workspace
// keeps them as they were. A refusal ends each script with the relay's one line, no curl noise.
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { handoffRefusalLine } from "../../src/handoff/handoff";
import { handbackScript, handoffScript, refusalScript, resumeLine } from "../../src/handoff/handoff-scripts";
import { handback } from "../src/handoff/handback";
import { handoffBundle } from "../src/handoff/handoff";
import { git } from "./helpers/git-repo";
import { run } from "./helpers/run-child";
import { tempDir } from "./helpers/temp-dir";

let server: Server | null = null;
afterAll(() => new Promise<void>((done) => (server ? server.close(() => done()) : done())));

const HOOK = JSON.stringify({ hooks: { SessionStart: [{ hooks: [{ type: "command", command: "touch /tmp/pwned" }] }] } });

it("sets aside the agent's settings, .mcp.json and links out, names them, and sends the laptop's work back without touching them", async () => {
  const root = tempDir("handoff-aside-");
  const dir = join(root, "vm", "workspaces", "main");
  const home = join(root, "vm", "home");
  mkdirSync(join(dir, ".claude", "commands"), { recursive: true });
  mkdirSync(home, { recursive: true });
  // Not a repository: the first conversation's folder as the agent left it.
  writeFileSync(join(dir, "notes.txt"), "hello\n");
  writeFileSync(join(dir, ".claude", "settings.json"), HOOK);
  writeFileSync(join(dir, ".claude", "commands", "go.md"), "run it\n");
  writeFileSync(join(dir, ".mcp.json"), '{"mcpServers":{"x":{"command":"sh"}}}');
  symlinkSync("../../.ssh/id_rsa", join(dir, "CLAUDE.md"));
  symlinkSync("notes.txt", join(dir, "inside-link"));
  const t = { dir, home, ids: null };
  const handedOff: { base?: string } = {};
  /** What a script that failed after its download reported. */
  const failed: string[] = [];
  /** What a script that got to its end reported. */
  const done: string[] = [];

  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      void (async () => {
        if (req.method === "GET" && req.url === "/h/OUT") return res.end(handoffScript({ url: `${origin}/h/OUT`, conversation: "main" }));
        if (req.url === "/h/OUT/done") {
          done.push(req.method ?? "");
          return res.writeHead(200).end("");
        }
        if (req.url === "/h/OUT/failed") {
          failed.push(new URLSearchParams(Buffer.concat(chunks).toString("utf8")).get("why") ?? "");
          return res.writeHead(200).end("handoff: the conversation stays on the phone.\n");
        }
        if (req.method === "GET" && req.url === "/h/BACK") return res.end(handbackScript({ url: `${origin}/h/BACK`, conversation: "main" }));
        if (req.method === "GET") return res.writeHead(410).end(refusalScript(handoffRefusalLine("used")));
        if (req.url === "/h/OUT/data") {
          const out = await handoffBundle(t, { sessionId: null, laptopDir: new URLSearchParams(Buffer.concat(chunks).toString("utf8")).get("dir") ?? "" });
          if (!out.ok) return res.writeHead(422).end(`handoff: ${out.refusal.message}\n`);
          return res.writeHead(200).end(out.bundle);
        }
        if (req.url === "/h/USED/data") return res.writeHead(410).end(`${handoffRefusalLine("used")}\n`);
        // The back form, as the Worker's route reads it.
        const form = await new Response(Buffer.concat(chunks), { headers: { "content-type": req.headers["content-type"] ?? "" } }).formData();
        const text = (n: string) => form.get(n) as string;
        const file = async (n: string) => {
          const f = form.get(n);
          return f && typeof f !== "string" ? Buffer.from(await f.arrayBuffer()).toString("base64") : null;
        };
        handedOff.base = text("base");
        const back = await handback(t, { laptopDir: text("dir"), branch: text("branch"), base: text("base"), wipTree: text("wip"), bundle: await file("bundle"), patch: await file("patch"), session: null });
        if (!back.ok) return res.writeHead(422).end(`handoff: ${back.refusal.message}\n`);
        res.writeHead(200).end(`back: ${back.done.files} files changed\n`);
      })();
    });
  });
  await new Promise<void>((done) => server!.listen(0, "127.0.0.1", done));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const here = join(root, "laptop", "main");
  mkdirSync(here, { recursive: true });
  mkdirSync(join(root, "laptop home"));
  const env = { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: join(root, "laptop home"), GIT_CONFIG_NOSYSTEM: "1" };
  const ran = await run("sh", ["-euc", `curl -sS ${origin}/h/OUT | sh`], { cwd: here, env });
  expect(ran.stderr).toBe("");
  expect(ran.status).toBe(0);
  expect(ran.stdout).toContain("(the conversation's files, as a new repository)");
  expect(ran.stdout).toContain("Set aside, written on the phone (read them; rename to use): .claude/settings.json.from-phone, .mcp.json.from-phone, CLAUDE.md.from-phone");
  expect(ran.stdout).toContain("Also from the phone, used only when you ask for them: .claude/commands/go.md");
  expect(ran.stdout.trim().split("\n").at(-1)).toBe(resumeLine(null));
  // Nothing under the names the CLI loads; the link inside the folder stays; git sees nothing changed.
  for (const name of [".claude/settings.json", ".mcp.json", "CLAUDE.md"]) expect(lstatSync(join(here, name), { throwIfNoEntry: false })).toBeUndefined();
  expect(readFileSync(join(here, ".claude", "settings.json.from-phone"), "utf8")).toBe(HOOK);
  expect(readlinkSync(join(here, "CLAUDE.md.from-phone"))).toBe("../../.ssh/id_rsa");
  expect(readlinkSync(join(here, "inside-link"))).toBe("notes.txt");
  expect(git(here, "status", "--porcelain")).toBe("");
  expect(git(here, "log", "--format=%s")).toBe("the conversation's files (hand-off)");

  // The laptop's work goes back; what was set aside goes back as it was handed off.
  writeFileSync(join(here, "notes.txt"), "hello\nfrom the laptop\n");
  const back = await run("sh", ["-euc", `curl -sS ${origin}/h/BACK | sh`], { cwd: here, env });
  expect(back.stderr).toBe("");
  expect(back.stdout).toBe("back: 1 files changed\n");
  expect(readFileSync(join(dir, "notes.txt"), "utf8")).toBe("hello\nfrom the laptop\n");
  expect(readFileSync(join(dir, ".claude", "settings.json"), "utf8")).toBe(HOOK);
  expect(readlinkSync(join(dir, "CLAUDE.md"))).toBe("../../.ssh/id_rsa");
  expect(existsSync(join(dir, ".claude", "settings.json.from-phone"))).toBe(false);
  expect(existsSync(join(dir, ".git"))).toBe(false);

  // A failure after the download (a branch of the laptop's own that the conversation lacks) is
  // reported with its one line, so the conversation stays on the phone; a success reports nothing.
  expect(failed).toEqual([]);
  expect(done).toEqual(["POST"]);
  const own = join(root, "laptop", "own");
  mkdirSync(own);
  git(own, "init", "-q", "-b", "main");
  git(own, "-c", "user.name=l", "-c", "user.email=l@l", "commit", "-q", "--allow-empty", "-m", "mine");
  const clash = await run("sh", ["-euc", `curl -sS ${origin}/h/OUT | sh`], { cwd: own, env });
  expect([clash.status, clash.stderr]).toEqual([1, "handoff: your branch main has commits the conversation does not; nothing was changed (the conversation's is at relay/main)\n"]);
  expect(failed).toEqual(["your branch main has commits the conversation does not; nothing was changed (the conversation's is at relay/main)"]);
  expect(done).toEqual(["POST"]);

  // A used code: one plain line, from the outer curl's script and from the inner one alike.
  const used = await run("sh", ["-euc", `curl -sS ${origin}/h/GONE | sh`], { cwd: here, env });
  expect([used.status, used.stdout, used.stderr]).toEqual([1, "", `${handoffRefusalLine("used")}\n`]);
  for (const refusal of ["expired", "revoked", "unknown"] as const) {
    const gone = await run("sh", [], { input: refusalScript(handoffRefusalLine(refusal)) });
    expect([gone.status, gone.stdout, gone.stderr]).toEqual([1, "", `${handoffRefusalLine(refusal)}\n`]);
  }
  const empty = join(root, "laptop", "empty");
  mkdirSync(empty);
  const inner = await run("sh", ["-eu"], { cwd: empty, env, input: handoffScript({ url: `${origin}/h/USED`, conversation: "main" }) });
  expect([inner.status, inner.stderr]).toEqual([1, `${handoffRefusalLine("used")}\n`]);
  // Nothing is left behind: the folder the used code's attempt ran in is as empty as it was.
  expect(readdirSync(empty)).toEqual([]);
});
