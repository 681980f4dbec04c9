// Every name in the hand-off handled whole: links out of the folder whose names hold a newline, a
// space, a leading `-` or a glob are all set aside on the laptop (none left live), named on one line
// each, shell-quoted, hidden from git; plain files with such names arrive as they were; and the
// laptop's work goes back with the set-aside links as the workspace had them.
import { existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, readlinkSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { handbackScript, handoffScript } from "../../src/handoff/handoff-scripts";
import { handback } from "../src/handoff/handback";
import { handoffBundle } from "../src/handoff/handoff";
import { git } from "./helpers/git-repo";
import { run } from "./helpers/run-child";
import { tempDir } from "./helpers/temp-dir";

let server: Server | null = null;
afterAll(() => new Promise<void>((done) => (server ? server.close(() => done()) : done())));

/** Names a `find | while read` splits, or a shell word or a glob would change. */
const NAMES = ["new\nline", "a space", "-leading", "glob*[x]?", "back\\slash '", " trailing "];

it("sets aside links out whose names hold a newline, a space, a leading - or a glob, and sends the work back with them as they were", async () => {
  const root = tempDir("handoff-names-");
  const dir = join(root, "vm", "workspaces", "main");
  const home = join(root, "vm", "home");
  mkdirSync(dir, { recursive: true });
  mkdirSync(home, { recursive: true });
  writeFileSync(join(dir, "notes.txt"), "hello\n");
  for (const [i, name] of NAMES.entries()) {
    symlinkSync(i % 2 === 0 ? "/etc/passwd" : "../../../../etc/hostname", join(dir, `link ${name}`));
    writeFileSync(join(dir, `file ${name}`), `${i}\n`);
  }
  // A .claude that points out of the folder, at a folder with a settings.json of its own: set aside
  // as a link before anything in it is looked at, so the file out there is never renamed.
  const outside = join(root, "outside");
  mkdirSync(outside);
  writeFileSync(join(outside, "settings.json"), "{}\n");
  symlinkSync(outside, join(dir, ".claude"));
  const t = { dir, home, ids: null };
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      void (async () => {
        if (req.method === "GET" && req.url === "/h/OUT") return res.end(handoffScript({ url: `${origin}/h/OUT`, conversation: "main" }));
        if (req.method === "GET") return res.end(handbackScript({ url: `${origin}/h/BACK`, conversation: "main" }));
        if (req.url === "/h/OUT/done") return res.end("");
        if (req.url === "/h/OUT/data") {
          const out = await handoffBundle(t, { sessionId: null, laptopDir: new URLSearchParams(Buffer.concat(chunks).toString("utf8")).get("dir") ?? "" });
          return out.ok ? res.end(out.bundle) : res.writeHead(422).end(`handoff: ${out.refusal.message}\n`);
        }
        const form = await new Response(Buffer.concat(chunks), { headers: { "content-type": req.headers["content-type"] ?? "" } }).formData();
        const text = (n: string) => form.get(n) as string;
        const file = async (n: string) => {
          const f = form.get(n);
          return f && typeof f !== "string" ? Buffer.from(await f.arrayBuffer()).toString("base64") : null;
        };
        const back = await handback(t, { laptopDir: text("dir"), branch: text("branch"), base: text("base"), wipTree: text("wip"), bundle: await file("bundle"), patch: await file("patch"), session: null });
        return back.ok ? res.end(`back: ${back.done.files} files changed\n`) : res.writeHead(422).end(`handoff: ${back.refusal.message}\n`);
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
  expect([ran.status, ran.stderr]).toEqual([0, ""]);
  // No link out is left live under any name; each is there set aside, pointing where it pointed.
  for (const [i, name] of NAMES.entries()) {
    expect(lstatSync(join(here, `link ${name}`), { throwIfNoEntry: false })).toBeUndefined();
    expect(readlinkSync(join(here, `link ${name}.from-phone`))).toBe(i % 2 === 0 ? "/etc/passwd" : "../../../../etc/hostname");
    expect(readFileSync(join(here, `file ${name}`), "utf8")).toBe(`${i}\n`);
  }
  const links = readdirSync(here).filter((n) => lstatSync(join(here, n)).isSymbolicLink());
  expect(links.every((n) => n.endsWith(".from-phone"))).toBe(true);
  expect(links).toHaveLength(NAMES.length + 1);
  expect(readlinkSync(join(here, ".claude.from-phone"))).toBe(outside);
  expect(readdirSync(outside)).toEqual(["settings.json"]);
  // Named on one line, each shell-quoted, a newline shown as `?`.
  const named = ran.stdout.split("\n").find((l) => l.startsWith("Set aside, written on the phone"))!;
  for (const quoted of ["'link new?line.from-phone'", "'link a space.from-phone'", "'link -leading.from-phone'", "'link glob*[x]?.from-phone'", "'link back\\slash '\\''.from-phone'", "'link  trailing .from-phone'"]) expect(named).toContain(quoted);
  expect(git(here, "status", "--porcelain")).toBe("");

  // The laptop's work goes back; the set-aside links stay as the workspace had them, no .from-phone there.
  writeFileSync(join(here, "notes.txt"), "hello\nfrom the laptop\n");
  const back = await run("sh", ["-euc", `curl -sS ${origin}/h/BACK | sh`], { cwd: here, env });
  expect([back.stderr, back.stdout]).toEqual(["", "back: 1 files changed\n"]);
  expect(readFileSync(join(dir, "notes.txt"), "utf8")).toBe("hello\nfrom the laptop\n");
  expect(readlinkSync(join(dir, ".claude"))).toBe(outside);
  for (const [i, name] of NAMES.entries()) {
    expect(readlinkSync(join(dir, `link ${name}`))).toBe(i % 2 === 0 ? "/etc/passwd" : "../../../../etc/hostname");
    expect(existsSync(join(dir, `link ${name}.from-phone`))).toBe(false);
  }
});
