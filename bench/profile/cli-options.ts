// What the VM's options cost the real Claude Code CLI, outside the VM, against the offline model
// (docs/notes/warm-path.md, docs/notes/cold-path.md, docs/notes/cli-observations.md). Usage:
//   npx tsx bench/profile/cli-options.ts warm [turns]       a warm turn (stdin → the model's first request) per option, p50
//   npx tsx bench/profile/cli-options.ts resume [rounds]    a resume (spawn → the model's first request) per option, the
//                                                           relay's tools over HTTP as the VM serves them
//   npx tsx bench/profile/cli-options.ts http-wait [s]      one tools/call over HTTP held open s seconds (330): does its answer arrive?
// The relay's tools are served here by the MCP SDK's Streamable HTTP transport in this process, as
// the VM serves them from its own (vm/src/http/mcp-routes.ts). Variants run in alternation, so the
// machine's drift falls on all of them alike.
import { type ChildProcess } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startAnthropicStandIn, type AnthropicStandIn } from "../../test/stand-ins/anthropic-api";
import { resolveClaudeBin } from "../../vm/src/claude-bin";
import { relayToolArgs } from "../../vm/src/core/cli-command";
import { WHATSAPP_INSTRUCTIONS } from "../../src/protocol/vm/agent-instructions";
import { spawnGroup, stopGroup } from "../lib/children";
import { httpToolsConfig, httpToolsServer, relayOptions } from "../lib/relay-tools-http";
import { median } from "../lib/stats";

const STREAM_JSON = ["-p", "--output-format", "stream-json", "--verbose", "--input-format", "stream-json", "--replay-user-messages", "--permission-mode", "acceptEdits"];
const userLine = (text: string) => `${JSON.stringify({ type: "user", message: { role: "user", content: text } })}\n`;

type Lab = { model: AnthropicStandIn; root: string; workspace: string; env: Record<string, string>; children: Set<ChildProcess> };

function startCli(lab: Lab, args: string[]): { child: ChildProcess; results: () => number; output: () => string } {
  const child = spawnGroup(resolveClaudeBin()!, [...STREAM_JSON, ...args], { cwd: lab.workspace, env: lab.env, stdio: ["pipe", "pipe", "ignore"] });
  lab.children.add(child);
  let out = "";
  child.stdout!.setEncoding("utf8");
  child.stdout!.on("data", (chunk: string) => (out += chunk));
  return { child, results: () => out.split("\n").filter((l) => l.includes('"type":"result"')).length, output: () => out };
}

async function until(check: () => boolean, timeoutMs: number): Promise<void> {
  for (const end = Date.now() + timeoutMs; !check(); await new Promise((r) => setTimeout(r, 5))) if (Date.now() > end) throw new Error("the CLI gave no result in time");
}

/** The first /v1/messages request after `from`: its arrival, epoch ms. */
const firstRequestAt = (lab: Lab, from: number) => lab.model.requests.slice(from).find((r) => r.method === "POST" && r.path === "/v1/messages")?.at ?? NaN;

/** One CLI for one turn: spawn → the model's first request, and the session it wrote. */
async function oneTurn(lab: Lab, args: string[]): Promise<{ ms: number; sessionId: string }> {
  const from = lab.model.requests.length;
  const spawnedAt = Date.now();
  const cli = startCli(lab, args);
  cli.child.stdin!.write(userLine("hello"));
  await until(() => cli.results() > 0, 60_000);
  cli.child.stdin!.end();
  await stopGroup(cli.child);
  lab.children.delete(cli.child);
  const result = JSON.parse(cli.output().split("\n").find((l) => l.includes('"type":"result"'))!) as { session_id: string };
  return { ms: firstRequestAt(lab, from) - spawnedAt, sessionId: result.session_id };
}

/** The relay's tools over HTTP, served by this process: the config file the CLI is given. */
const httpConfig = (lab: Lab, url: string, timeoutMs?: number): Promise<string> => httpToolsConfig(lab.root, url, timeoutMs);

async function warm(lab: Lab, turns: number): Promise<void> {
  const http = await httpToolsServer(0, () => {});
  const mcp = await httpConfig(lab, http.url);
  const variants: Record<string, string[]> = {
    "nothing (the floor)": [],
    "--setting-sources= --strict-mcp-config": ["--setting-sources=", "--strict-mcp-config"],
    "--add-dir (CLAUDE.md read)": [`--add-dir=${lab.workspace}`],
    "the instructions": [`--append-system-prompt=${WHATSAPP_INSTRUCTIONS}`],
    "the relay's tools (HTTP)": relayToolArgs(mcp, { scheduleTools: true }),
    "all of them": [...relayOptions(lab.workspace), ...relayToolArgs(mcp, { scheduleTools: true })],
  };
  const samples = new Map<string, number[]>();
  for (let pass = 0; pass < 2; pass++) {
    for (const [name, args] of Object.entries(variants)) {
      const cli = startCli(lab, args);
      for (let i = 0; i < 3 + turns; i++) {
        const from = lab.model.requests.length;
        const want = cli.results() + 1;
        const wroteAt = Date.now();
        cli.child.stdin!.write(userLine(`turn ${i}`));
        await until(() => cli.results() >= want, 60_000);
        if (i >= 3) samples.set(name, [...(samples.get(name) ?? []), firstRequestAt(lab, from) - wroteAt]);
        await new Promise((r) => setTimeout(r, 50));
      }
      await stopGroup(cli.child);
      lab.children.delete(cli.child);
    }
  }
  await http.close();
  for (const [name, xs] of samples) console.log(`${name.padEnd(42)} warm turn p50 ${median(xs)} ms, min ${Math.min(...xs)} ms (${xs.length} turns)`);
}

async function resume(lab: Lab, rounds: number): Promise<void> {
  const http = await httpToolsServer(0, () => {});
  try {
    const overHttp = await httpConfig(lab, http.url);
    const variants: Record<string, string[]> = {
      "nothing (the floor)": [],
      "the relay's tools over HTTP": relayToolArgs(overHttp, { scheduleTools: true }),
      "the relay's other options": relayOptions(lab.workspace),
      "all of them (as the VM)": [...relayOptions(lab.workspace), ...relayToolArgs(overHttp, { scheduleTools: true })],
    };
    const { sessionId } = await oneTurn(lab, []);
    const samples = new Map<string, number[]>();
    for (let round = 0; round < rounds; round++) {
      for (const [name, args] of Object.entries(variants)) samples.set(name, [...(samples.get(name) ?? []), (await oneTurn(lab, [...args, `--resume=${sessionId}`])).ms]);
    }
    for (const [name, xs] of samples) console.log(`${name.padEnd(48)} resume p50 ${median(xs)} ms (${xs.join(" ")})`);
  } finally {
    await http.close();
  }
}

async function httpWait(lab: Lab, seconds: number): Promise<void> {
  const startedAt = Date.now();
  const say = (line: string) => console.log(`${((Date.now() - startedAt) / 1000).toFixed(1)} s: ${line}`);
  const http = await httpToolsServer(seconds * 1000, (name) => say(`tools/call ${name}, answered in ${seconds} s`));
  try {
    const config = await httpConfig(lab, http.url, (seconds + 600) * 1000);
    const cli = startCli(lab, ["--setting-sources=", "--strict-mcp-config", ...relayToolArgs(config, { scheduleTools: true })]);
    // The offline model's directive: its answer is this tool call (docs/vm.md).
    cli.child.stdin!.write(userLine("[[tool mcp__relay__schedule_list {}]] list them"));
    await until(() => cli.results() > 0, (seconds + 120) * 1000);
    const toolResult = cli.output().split("\n").find((l) => l.includes('"tool_result"')) ?? "";
    say(toolResult.includes("ANSWERED-AFTER-WAIT") ? "the CLI took the answer as the tool's result, and the turn ended" : `no answer in the tool's result: ${toolResult.slice(0, 300)}`);
    await stopGroup(cli.child);
    lab.children.delete(cli.child);
  } finally {
    await http.close();
  }
}

const [what = "", count] = process.argv.slice(2);
const jobs: Record<string, (lab: Lab, n: number) => Promise<void>> = { warm: (l, n) => warm(l, n || 15), resume: (l, n) => resume(l, n || 7), "http-wait": (l, n) => httpWait(l, n || 330) };
const job = jobs[what];
if (!job) {
  console.error(`usage: npx tsx bench/profile/cli-options.ts ${Object.keys(jobs).join("|")} [n]`);
  process.exit(2);
}
if (!resolveClaudeBin()) throw new Error("the Claude Code CLI (@anthropic-ai/claude-code) is not installed");
const model = await startAnthropicStandIn();
const root = await mkdtemp(join(tmpdir(), "bench-cli-options-"));
const workspace = join(root, "workspace");
await mkdir(workspace);
const lab: Lab = {
  model,
  root,
  workspace,
  env: { PATH: process.env.PATH ?? "/usr/bin:/bin", LANG: "C.UTF-8", HOME: root, TMPDIR: root, DISABLE_AUTOUPDATER: "1", DISABLE_TELEMETRY: "1", CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1", ANTHROPIC_BASE_URL: model.url, ANTHROPIC_API_KEY: "sk-offline", CLAUDE_CODE_ADDITIONAL_DIRECTORIES_CLAUDE_MD: "1" },
  children: new Set(),
};
const stopAll = () => Promise.all([...lab.children].map((child) => stopGroup(child)));
process.once("SIGINT", () => void stopAll().then(() => process.exit(130)));
try {
  await job(lab, Number(count ?? 0));
} finally {
  await stopAll();
  await model.close();
  await rm(root, { recursive: true, force: true });
}
