// The warm path's floor: one Claude Code CLI process, no VM and no relay, given turn after turn
// on stdin as the VM gives them to a warm process; how long from writing a turn to the offline
// model's first request. What the CLI itself takes, which no relay or VM change can remove.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { resolveClaudeBin } from "../../vm/src/claude-bin";
import type { AnthropicStandIn } from "../../test/stand-ins/anthropic-api";
import { spawnGroup, stopGroup } from "../lib/children";
import { modelArrival } from "./measure";

const TURN_TIMEOUT_MS = 60_000;

/** A bare CLI process: each `turn` writes one on stdin and gives write → the model's first request (ms), or null. */
export type BareCli = { pid: number; turn(text: string): Promise<number | null>; stop(): Promise<void> };

/**
 * Starts one CLI with the VM's flags for a stream-json session (vm/src/core/cli-command.ts cliArgs)
 * and `moreArgs` (none: without the relay's MCP tools), and the VM's fixed variables, and gives it one cold turn (the
 * spawn), so every `turn` after it finds it warm.
 */
export async function startBareCli(model: AnthropicStandIn, env: Record<string, string>, moreArgs: (home: string) => Promise<string[]> = async () => []): Promise<BareCli> {
  const bin = resolveClaudeBin();
  if (!bin) throw new Error("the Claude Code CLI (@anthropic-ai/claude-code) is not installed");
  const home = await mkdtemp(join(tmpdir(), "bench-bare-cli-"));
  const args = ["-p", "--output-format", "stream-json", "--verbose", "--input-format", "stream-json", "--replay-user-messages", "--permission-mode", "acceptEdits", ...(await moreArgs(home))];
  const child = spawnGroup(bin, args, {
    cwd: home,
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", LANG: "C.UTF-8", HOME: home, TMPDIR: home, DISABLE_AUTOUPDATER: "1", GIT_TERMINAL_PROMPT: "0", ...env },
    stdio: ["pipe", "pipe", "ignore"],
    side: "machine",
  });
  let results = 0;
  let buffered = "";
  const waiters: (() => void)[] = [];
  child.stdout!.setEncoding("utf8");
  child.stdout!.on("data", (chunk: string) => {
    buffered += chunk;
    const lines = buffered.split("\n");
    buffered = lines.pop() ?? "";
    for (const line of lines) if (line.includes('"type":"result"')) results++;
    waiters.splice(0).forEach((wake) => wake());
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const untilResults = async (n: number) => {
    const deadline = Date.now() + TURN_TIMEOUT_MS;
    while (results < n) {
      if (child.exitCode !== null || Date.now() > deadline) throw new Error(`the bare CLI gave ${results} of ${n} results`);
      await Promise.race([new Promise<void>((wake) => waiters.push(wake)), exited, new Promise((r) => setTimeout(r, 1_000))]);
    }
  };
  const send = (text: string) => child.stdin!.write(`${JSON.stringify({ type: "user", message: { role: "user", content: text } })}\n`);
  const stop = async () => {
    child.stdin!.end();
    await stopGroup(child);
    await rm(home, { recursive: true, force: true });
  };
  let turns = 0;
  try {
    send("bench bare cold");
    await untilResults(++turns);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    pid: child.pid!,
    async turn(text) {
      const fromIndex = model.requests.length;
      const sentAt = Date.now();
      send(text);
      await untilResults(++turns);
      const { firstAt } = modelArrival(model.requests.slice(fromIndex), sentAt, text);
      return firstAt === null ? null : firstAt - sentAt;
    },
    stop,
  };
}

/**
 * `turns` warm turns (after one cold turn that spawns the process), each `thinkMs` after the
 * previous result as in the section's warm samples: each one's stdin write → the model's first
 * `POST /v1/messages`, in ms.
 */
export async function bareWarmCliMs(model: AnthropicStandIn, env: Record<string, string>, turns: number, thinkMs: number): Promise<number[]> {
  const cli = await startBareCli(model, env);
  try {
    const latencies: number[] = [];
    for (let i = 0; i < turns; i++) {
      await new Promise((resolve) => setTimeout(resolve, thinkMs));
      const ms = await cli.turn(`bench bare warm ${i}`);
      if (ms !== null) latencies.push(ms);
    }
    return latencies;
  } finally {
    await cli.stop();
  }
}
