// The laptop starts as the user's own claude would: the real Claude Code CLI, in a pseudo-terminal
// (util-linux `script`), runs the line the out script printed, against the offline model. A session
// the phone ran in acceptEdits mode is resumed in the mode that asks first ("manual", the CLI's
// `default`), never the phone's and never the CLI's "auto" default; the folder-trust question the
// script explained comes first, then the session's turns; and a write asks before it happens.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readlinkSync, symlinkSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { handoffScript } from "../../src/handoff/handoff-scripts";
import { OFFLINE_MODEL_KEY } from "../../src/protocol/vm/runs";
import { startAnthropicStandIn, type AnthropicStandIn } from "../../test/stand-ins/anthropic-api";
import { resolveClaudeBin } from "../src/claude-bin";
import { handoffBundle } from "../src/handoff/handoff";
import { run } from "./helpers/run-child";
import { tempDir } from "./helpers/temp-dir";

const claude = resolveClaudeBin()!;
let model: AnthropicStandIn;
let server: Server | null = null;
let pty: ChildProcess | null = null;
beforeAll(async () => {
  model = await startAnthropicStandIn();
});
/** The processes working under `dir` (the laptop's `claude`, which `script` starts in a session of its own). */
function workingUnder(dir: string): number[] {
  return readdirSync("/proc").flatMap((name) => {
    if (!/^\d+$/.test(name)) return [];
    try {
      return readlinkSync(`/proc/${name}/cwd`).startsWith(dir) ? [Number(name)] : [];
    } catch {
      return [];
    }
  });
}
let laptopRoot: string | null = null;
afterAll(async () => {
  if (pty?.pid && pty.exitCode === null) process.kill(-pty.pid, "SIGKILL");
  // The CLI is not in script's process group: it is ended here, and waited for, before the temp dir
  // goes (it still writes its session while it exits, and rm would race it).
  for (let i = 0; laptopRoot && i < 50; i++) {
    const left = workingUnder(laptopRoot);
    if (left.length === 0) break;
    for (const pid of left) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // Gone already.
      }
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  await new Promise<void>((done) => (server ? server.close(() => done()) : done()));
  await model.close();
});

/** What the terminal shows, its escapes gone and its blanks too (the CLI draws spaces as cursor moves). */
const squashed = (raw: string) => raw.replace(/\x1b\[[0-9;?<>=]*[a-zA-Z~]/g, "").replace(/\x1b\][^\x07\x1b]*(\x07|\x1b\\)/g, "").replace(/\x1b[=>()][0-9A-B]?/g, "").replace(/\s+/g, "");

it("the printed line, run in a terminal: the explained trust question, then the session in the mode that asks first; a write asks", { timeout: 180_000 }, async () => {
  const root = tempDir("handoff-pty-");
  laptopRoot = join(root, "laptop");
  const dir = join(root, "vm", "workspaces", "main");
  const vmHome = join(root, "vm", "home");
  mkdirSync(dir, { recursive: true });
  mkdirSync(vmHome, { recursive: true });
  const modelEnv = { ANTHROPIC_BASE_URL: model.url, ANTHROPIC_API_KEY: OFFLINE_MODEL_KEY, CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1" };
  // The phone's session, run in acceptEdits (as the relay's approvals mode `edits` does).
  const phone = await run(claude, ["--permission-mode", "acceptEdits", "--output-format", "json", "-p", "remember the word plum"], { cwd: dir, env: { PATH: process.env.PATH, HOME: vmHome, ...modelEnv } });
  const sessionId = (JSON.parse(phone.stdout) as { session_id: string }).session_id;

  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      void (async () => {
        if (req.method === "GET") return res.end(handoffScript({ url: `${origin}/h/X`, conversation: "main", model: { url: model.url, key: OFFLINE_MODEL_KEY } }));
        if (req.url !== "/h/X/data") return res.end("");
        const out = await handoffBundle({ dir, home: vmHome, ids: null }, { sessionId, laptopDir: new URLSearchParams(Buffer.concat(chunks).toString("utf8")).get("dir") ?? "" });
        return out.ok ? res.end(out.bundle) : res.writeHead(422).end(`handoff: ${out.refusal.message}\n`);
      })();
    });
  });
  await new Promise<void>((done) => server!.listen(0, "127.0.0.1", done));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  // The laptop: a fresh HOME, the real CLI on its PATH as `claude`.
  const bin = join(root, "laptop", "bin");
  mkdirSync(bin, { recursive: true });
  symlinkSync(claude, join(bin, "claude"));
  const here = join(root, "laptop", "main");
  const home = join(root, "laptop", "home");
  mkdirSync(here, { recursive: true });
  mkdirSync(home, { recursive: true });
  const env = { PATH: `${bin}:${process.env.PATH}`, HOME: home, GIT_CONFIG_NOSYSTEM: "1", TERM: "xterm-256color", ...modelEnv };
  const ran = await run("sh", ["-euc", `curl -sS ${origin}/h/X | sh`], { cwd: here, env });
  expect([ran.status, ran.stderr]).toEqual([0, ""]);
  const lines = ran.stdout.trim().split("\n");
  const line = lines.at(-1)!;
  expect(lines.at(-2)).toMatch(/^claude first asks whether you trust this folder \(“No, exit” is preselected\)/);

  let screen = "";
  pty = spawn("script", ["-q", "-f", "-c", `stty cols 120 rows 40; ${line}`, "/dev/null"], { cwd: here, env, detached: true, stdio: ["pipe", "pipe", "ignore"] });
  pty.stdout!.on("data", (c: Buffer) => (screen += c.toString("utf8")));
  const shown = async (text: string, ms = 30_000) => {
    const until = Date.now() + ms;
    while (!squashed(screen).includes(text.replace(/\s+/g, ""))) {
      if (Date.now() > until) throw new Error(`not shown: ${text}\n--- screen ---\n${squashed(screen).slice(-6000)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  };
  const type = async (keys: string) => {
    pty!.stdin!.write(keys);
    await new Promise((r) => setTimeout(r, 1500));
  };

  // First the question the script named, before any of the session.
  await shown("Is this a project you created or one you trust?");
  expect(squashed(screen)).not.toContain("rememberthewordplum");
  // "Yes" chosen, and still chosen when Enter goes: the dialog may draw itself afresh, the
  // selection back on "No, exit", while the CLI finishes starting (seen on a quiet machine).
  const chosen = () => /❯Yes,Itrustthisfolder(?!.*❯)/s.test(squashed(screen));
  for (let tries = 0; tries < 5 && !chosen(); tries++) await type("\x1b[B");
  expect(chosen()).toBe(true);
  await type("\r");
  // Then the session, its earlier turn there, in the mode that asks first.
  await shown("«remember the word plum»");
  await shown("manual mode on");
  expect(squashed(screen)).not.toMatch(/automodeon|acceptedits|bypass/i);
  // A write asks first, and nothing is written while it asks.
  const file = join(here, "laptop.txt");
  await type(`[[tool Write ${JSON.stringify({ file_path: file, content: "from the laptop\n" })}]] write it`);
  await type("\r");
  await shown("Do you want to create laptop.txt?");
  expect(existsSync(file)).toBe(false);
  process.kill(-pty.pid!, "SIGKILL");
});
