// The cold path's floors: a bare Claude Code CLI with the VM's stream-json flags (no relay, no VM,
// no relay tools), spawned for one turn: spawn → the offline model's first request, for a new
// session and for `--resume` of the session the first left. What the CLI itself takes to start.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { resolveClaudeBin } from "../../vm/src/claude-bin";
import type { AnthropicStandIn } from "../../test/stand-ins/anthropic-api";
import { spawnGroup, stopGroup } from "../lib/children";

const TURN_TIMEOUT_MS = 60_000;
const ARGS = ["-p", "--output-format", "stream-json", "--verbose", "--input-format", "stream-json", "--replay-user-messages", "--permission-mode", "acceptEdits"];

export type BareColdCli = {
  /** Spawns a CLI (resuming `sessionId` when given), writes `text`, waits for its result: spawn → first model request, and the session. */
  turn(text: string, sessionId: string | null): Promise<{ firstMs: number | null; sessionId: string | null }>;
  close(): Promise<void>;
};

export async function bareColdCli(model: AnthropicStandIn, env: Record<string, string>): Promise<BareColdCli> {
  const bin = resolveClaudeBin();
  if (!bin) throw new Error("the Claude Code CLI (@anthropic-ai/claude-code) is not installed");
  const home = await mkdtemp(join(tmpdir(), "bench-cold-bare-"));
  const childEnv = { PATH: process.env.PATH ?? "/usr/bin:/bin", LANG: "C.UTF-8", HOME: home, TMPDIR: home, DISABLE_AUTOUPDATER: "1", GIT_TERMINAL_PROMPT: "0", ...env };
  return {
    async turn(text, sessionId) {
      const fromIndex = model.requests.length;
      const spawnedAt = Date.now();
      const child = spawnGroup(bin, sessionId ? [...ARGS, `--resume=${sessionId}`] : ARGS, { cwd: home, env: childEnv, stdio: ["pipe", "pipe", "ignore"] });
      child.stdin!.write(`${JSON.stringify({ type: "user", message: { role: "user", content: text } })}\n`);
      let out = "";
      child.stdout!.setEncoding("utf8");
      const result = await new Promise<string | null>((resolve) => {
        const timer = setTimeout(() => resolve(null), TURN_TIMEOUT_MS);
        child.stdout!.on("data", (chunk: string) => {
          out += chunk;
          const line = out.split("\n").find((l) => l.includes('"type":"result"'));
          if (line) {
            clearTimeout(timer);
            resolve(line);
          }
        });
        child.once("exit", () => resolve(out.split("\n").find((l) => l.includes('"type":"result"')) ?? null));
      });
      // Closed stdin: the CLI saves its session and exits by itself (a resume needs that file).
      child.stdin!.end();
      await Promise.race([new Promise((resolve) => child.once("exit", resolve)), new Promise((resolve) => setTimeout(resolve, 5_000))]);
      await stopGroup(child);
      const first = model.requests.slice(fromIndex).find((r) => r.method === "POST" && r.path === "/v1/messages" && r.at >= Math.floor(spawnedAt));
      const session = result ? ((JSON.parse(result) as { session_id?: unknown }).session_id ?? null) : null;
      return { firstMs: first ? first.at - spawnedAt : null, sessionId: typeof session === "string" ? session : null };
    },
    close: () => rm(home, { recursive: true, force: true }),
  };
}
