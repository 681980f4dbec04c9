// `npm start` itself, on a fresh clone with no credentials, on the contract's ports: it creates
// .dev.vars, says it uses the offline model, prefixes every line, answers a message, refuses a
// second start naming the port, and Ctrl-C or SIGTERM (to its group, or to npm's process alone)
// leave no process and no port behind.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { chooseDataDir, sharedStateDirOf } from "../../scripts/stack/data-dir";
import { takeLines, type LineBuffer } from "../../scripts/stack/line-buffer";
import { findTakenPorts } from "../../scripts/stack/ports";
import { descendantsOf, isAlive, readProcessTable } from "../../emulator/tools/process-tree";
import { DEFAULT_PORTS, HOST, localUrls } from "../../scripts/stack/stack-children";
import { holdDefaultPorts } from "./helpers/default-ports-lock";
import { eventually, replyTo, sentTo } from "./helpers/emulator-api";
import { makeFreshClone } from "./helpers/fresh-clone";

const urls = localUrls(DEFAULT_PORTS);
// Another test run on this machine (a second clone) may be using them: wait for it, not fail.
const releasePorts = await holdDefaultPorts(600_000);
const taken = await findTakenPorts(HOST, DEFAULT_PORTS);
// A developer's own `npm start` may hold the ports; in CI nothing may, so there it fails.
const skip = taken.length > 0 && !process.env.CI;
if (skip) console.warn(`npm start test skipped: ports ${taken.map((t) => t.port).join(", ")} are in use`);

type Run = { proc: ChildProcess; lines: string[]; exited: Promise<number | null> };

let clone: ReturnType<typeof makeFreshClone>;

/** `npm start` in its own process group, as a terminal runs it; no credential in its environment. */
function npmStart(): Run {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !/^(VITEST.*|NODE_ENV|ANTHROPIC_.*|CLAUDE_CODE_OAUTH_TOKEN|DATA_DIR)$/.test(key)),
  );
  const proc = spawn("npm", ["start"], { cwd: clone.root, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  const lines: string[] = [];
  for (const stream of [proc.stdout!, proc.stderr!]) {
    const buffer: LineBuffer = { pending: "" };
    stream.setEncoding("utf8").on("data", (chunk: string) => lines.push(...takeLines(buffer, chunk)));
  }
  // "close", not "exit": npm may exit before its script, which keeps writing to the same pipes.
  const exited = new Promise<number | null>((resolve) => proc.once("close", (code) => resolve(code)));
  const run = { proc, lines, exited };
  onTestFinished(() => stopIfRunning(run));
  return run;
}

async function ready(run: Run): Promise<void> {
  await eventually(
    "npm start to be ready",
    async () => {
      if (run.proc.exitCode !== null) throw new Error(`npm start exited: ${run.lines.slice(-5).join(" | ")}`);
      return run.lines.some((l) => l.includes("Ctrl-C stops everything")) ? true : undefined;
    },
    180_000,
  );
}

/** Whatever happens in a test, its stack does not outlive it. */
async function stopIfRunning(run: Run): Promise<void> {
  if (run.proc.exitCode === null && run.proc.signalCode === null) process.kill(-run.proc.pid!, "SIGTERM");
  await run.exited;
}

/** Every process `npm start` started, in its group or not (the VM's CLI processes are not). */
async function treeOf(run: Run): Promise<number[]> {
  return [run.proc.pid!, ...descendantsOf([run.proc.pid!], await readProcessTable())];
}

/** What the simulator does when a person types: the emulator posts the Worker a signed webhook. */
async function say(from: string, body: string): Promise<void> {
  const response = await fetch(`${urls.twilio}/__emulator/inbound`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ from, body }),
  });
  expect(await response.json()).toMatchObject({ status: 200 });
}

function commandOf(pid: number): string {
  try {
    return execFileSync("ps", ["-o", "args=", "-p", String(pid)], { encoding: "utf8" });
  } catch {
    return "";
  }
}

async function expectAllGone(pids: number[]): Promise<void> {
  await eventually("every process to end", async () => (pids.some(isAlive) ? undefined : true), 30_000);
  expect(pids.filter(isAlive)).toEqual([]);
  expect(await findTakenPorts(HOST, DEFAULT_PORTS)).toEqual([]);
}

beforeAll(() => {
  if (!skip) clone = makeFreshClone("npm-start");
});
afterAll(() => {
  clone?.remove();
  releasePorts();
});

describe.skipIf(skip)("npm start", { timeout: 300_000 }, () => {
  it("starts everything from a fresh clone, answers a message, refuses a second start, and stops on Ctrl-C leaving nothing", async () => {
    const first = npmStart();
    await ready(first);
    const ours = first.lines.slice(first.lines.findIndex((l) => l.startsWith("[start]")));
    expect(ours.filter((l) => !/^\[(start|worker|vm|twilio|model|telegram|github)\]( |$)/.test(l))).toEqual([]);
    expect(ours).toContain("[start]  Created .dev.vars from .dev.vars.example: the emulator's credentials, Alice and Bob allowed.");
    expect(readFileSync(join(clone.root, ".dev.vars"), "utf8")).toBe(readFileSync(join(clone.root, ".dev.vars.example"), "utf8"));
    expect(ours.filter((l) => l.includes("offline model at"))).toEqual([
      "[start]  No ANTHROPIC_API_KEY or CLAUDE_CODE_OAUTH_TOKEN: using the offline model at http://127.0.0.1:8790 (canned replies).",
    ]);
    // A terminal a person reads: no start-up tables or warnings of wrangler's, no child's prefix twice, no colour codes into a pipe.
    expect(first.lines.filter((l) => /following bindings|Scheduled Workers|⛅️ wrangler|^\[(\w+)\] +(\[(emulator|telegram|fly)\]|vm:) /.test(l))).toEqual([]);
    expect(first.lines.filter((l) => l.includes("\u001b["))).toEqual([]);
    const urlLines = ours.slice(ours.indexOf("[start]  Ready.")).filter((l) => l.includes("http://"));
    expect(urlLines[0]).toContain(`Phone simulator  ${urls.twilio}`);
    expect(urlLines.some((l) => l.includes(`Telegram         ${urls.telegram}`))).toBe(true);
    expect(urlLines.some((l) => l.includes(`GitHub           ${urls.github}`))).toBe(true);

    // The Bot API stand-in has the local Worker's webhook with a secret, and the command menu.
    expect(ours.some((l) => l.startsWith(`[start]  Telegram: Webhook set: ${urls.worker}/telegram/webhook`))).toBe(true);
    const bot = (await (await fetch(`${urls.telegram}/__telegram/bot`)).json()) as { webhook: { url: string; secretToken: string | null }; commands: unknown[] };
    expect(bot.webhook.url).toBe(`${urls.worker}/telegram/webhook`);
    expect(bot.webhook.secretToken).toMatch(/^[0-9a-f]{48}$/);
    expect(bot.commands.length).toBeGreaterThan(0);
    // The simulator offers the allowed Telegram users; the GitHub stand-in has the sample repository.
    expect(await (await fetch(`${urls.twilio}/__simulator/telegram`)).json()).toEqual({ enabled: true, users: [{ id: "5550001", name: "Alice" }, { id: "5550002", name: "Bob" }] });
    expect(await (await fetch(`${urls.github}/__github`)).json()).toMatchObject({ repos: ["acme/sample"] });

    // The simulator's Alice, through the emulator, the Worker, the VM and the offline model.
    await say("+15551230001", "hello from a fresh clone");
    const reply = await eventually("the reply", async () => (await sentTo(urls.twilio, "+15551230001"))[0]);
    expect(reply.body).toContain(replyTo("hello from a fresh clone"));
    // The terminal: a line for the message and one for the run, by name and conversation; none of the Worker's routine JSON.
    await eventually("the run's line", async () => (first.lines.some((l) => /^\[worker\] \d\d:\d\d:\d\d {2}Alice +@main run done in /.test(l)) ? true : undefined));
    expect(first.lines.some((l) => /^\[worker\] \d\d:\d\d:\d\d {2}Alice +sent a message$/.test(l))).toBe(true);
    for (const source of ["worker", "vm", "twilio", "model", "telegram", "github"]) expect(first.lines.some((l) => l.startsWith(`[${source}]`))).toBe(true);
    expect(first.lines.filter((l) => l.includes('"event":"delivery_status"') || l.includes("[wrangler:info] POST /twilio/status"))).toEqual([]);

    const second = npmStart();
    expect(await second.exited).not.toBe(0);
    expect(second.lines).toContain("[start]  Port 8787 on 127.0.0.1 (the Worker under wrangler dev) is already in use.");
    expect(second.lines.some((l) => l.includes("nothing was started"))).toBe(true);
    // Nothing was started: no child ever wrote a line, and its own process group is gone.
    expect(second.lines.filter((l) => /^\[(worker|vm|twilio|model|telegram|github)\]/.test(l))).toEqual([]);
    expect(isAlive(-second.proc.pid!)).toBe(false);
    for (const url of [`${urls.worker}/health`, `${urls.vm}/health`, `${urls.twilio}/`]) expect((await fetch(url)).status).toBe(200);

    const pids = await treeOf(first);
    // The GitHub stand-in's repositories are this start's own, and go with it.
    const githubDir = pids.map(commandOf).join("\n").match(/--data-dir (\S*stack-github-\S+)/)?.[1];
    expect(githubDir && existsSync(githubDir)).toBe(true);
    // Ctrl-C: the terminal signals the whole foreground process group.
    process.kill(-first.proc.pid!, "SIGINT");
    await first.exited;
    expect(first.lines).toContain("[start]  Stopped.");
    await expectAllGone(pids);
    expect(existsSync(githubDir!)).toBe(false);
  });

  it("stops on SIGTERM to its process group, leaving nothing, and keeps .dev.vars, the Worker's state and the sessions", async () => {
    expect(existsSync(join(clone.root, ".dev.vars"))).toBe(true);
    const run = npmStart();
    await ready(run);
    expect(run.lines.some((l) => l.includes("Created .dev.vars"))).toBe(false);
    // The Durable Object (.wrangler/state) kept Alice's session id and the VM (.data/vm) its transcript.
    await say("+15551230001", "do you remember me?");
    const reply = await eventually("Alice's second reply", async () => (await sentTo(urls.twilio, "+15551230001"))[0]);
    expect(reply.body).toContain("This conversation has 2 user messages; earlier: «hello from a fresh clone»");

    // Stopped while Bob's run is live, so there is a Claude Code process, outside the group, to end.
    await say("+15551230002", "[[slow 60000]] still thinking");
    const pids = await eventually("Claude Code running for Bob", async () => {
      const tree = await treeOf(run);
      return tree.some((pid) => commandOf(pid).includes("claude")) ? tree : undefined;
    });
    process.kill(-run.proc.pid!, "SIGTERM");
    await run.exited;
    expect(run.lines).toContain("[start]  Stopped.");
    await expectAllGone(pids);
  });

  // An IDE's stop button or a process manager signals npm's own process, not its group.
  it.each(["SIGTERM", "SIGINT"] as const)("stops on %s to npm's own process alone, leaving nothing", async (signal) => {
    const run = npmStart();
    await ready(run);
    const pids = await treeOf(run);
    process.kill(run.proc.pid!, signal);
    // Without a limit a stack that ignored the signal would hold the test until vitest's own timeout.
    let timer: ReturnType<typeof setTimeout> | undefined;
    const stopped = await Promise.race([run.exited.then(() => true), new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), 60_000)))]);
    clearTimeout(timer);
    expect(stopped, `npm start still running a minute after ${signal} to npm's process`).toBe(true);
    expect(run.lines).toContain("[start]  Stopped.");
    await expectAllGone(pids);
  });

  it("leaves none of the copy's data behind: as root in this private copy it lived outside it, and goes with it", () => {
    const outside = sharedStateDirOf(clone.root);
    const privateCopy = chooseDataDir({ root: clone.root, configured: undefined, runningAsRoot: process.getuid?.() === 0, closedToOthers: (dir) => (statSync(dir).mode & 0o001) === 0 });
    expect(existsSync(join(outside, "vm"))).toBe(privateCopy.why === "outside_private_checkout");
    clone.remove();
    expect(existsSync(clone.root)).toBe(false);
    expect(existsSync(outside)).toBe(false);
  });
});
