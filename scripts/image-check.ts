// `npm run image:check`: builds vm/Dockerfile from the committed tree (`git archive HEAD`, never
// the working tree) with the machine's container engine, starts the image through its own
// entrypoint with the project's offline model on the host, and checks /health and one run of the
// real CLI inside it through the VM's run protocol. One line and exit 0 where no engine is found.
// Everything it started goes at the end, however it ends: container, model, temp dir; the image
// stays under one fixed tag, the next check's cache.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { VM_ROUTES } from "../src/protocol/vm/routes";
import { MAX_JSON_BODY_BYTES } from "../vm/src/http/http-body";
import { OFFLINE_MODEL_KEY, VmStreamLineSchema, isTerminal, type VmRunEvent } from "../src/protocol/vm/runs";
import { startAnthropicStandIn, type AnthropicStandIn } from "../test/stand-ins/anthropic-api";
import { finalState, parseDockerfile } from "./image/dockerfile";
import { buildCommand, cleanupCommands, ENGINES, IMAGE_TAG, imageIdCommand, pickEngine, prepareCommand, probeArgs, sizeCommand, startCommand, type Command, type Engine } from "./image/engine-plan";
import { freePort } from "../emulator/tools/free-port";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const DOCKERFILE = "vm/Dockerfile";
const HOST = "127.0.0.1";
const HEALTH_TIMEOUT_MS = 90_000;
const RUN_TIMEOUT_MS = 180_000;

const say = (line: string) => console.log(`image:check: ${line}`);
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

function answers(engine: Engine): boolean {
  const probe = spawnSync(engine, probeArgs(engine), { stdio: "ignore", timeout: 20_000 });
  return probe.status === 0;
}

/** Runs a command to its end, its output passed through (a build's progress) or kept. */
function run(cmd: Command, options: { quiet?: boolean } = {}): { ok: boolean; out: string } {
  const done = spawnSync(cmd.command, cmd.args, { encoding: "utf8", stdio: options.quiet ? "pipe" : ["ignore", "inherit", "inherit"], maxBuffer: 64 * 1024 * 1024 });
  return { ok: done.status === 0, out: `${done.stdout ?? ""}${done.stderr ?? ""}` };
}

function baseImageOf(dockerfile: string): string {
  return parseDockerfile(dockerfile)[0]?.base ?? "";
}

/** The committed tree, as a fresh clone has it: `git archive HEAD` unpacked into `dir`. */
function exportHead(dir: string): string {
  const commit = spawnSync("git", ["rev-parse", "--short", "HEAD"], { cwd: ROOT, encoding: "utf8" }).stdout.trim();
  const archive = spawnSync("sh", ["-c", `git archive --format=tar HEAD | tar -x -C "${dir}"`], { cwd: ROOT, encoding: "utf8" });
  if (archive.status !== 0) throw new Error(`git archive HEAD failed: ${archive.stderr}`);
  return commit;
}

async function waitForHealth(url: string, container: ChildProcess, log: () => string): Promise<number> {
  const started = Date.now();
  let last = "";
  while (Date.now() - started < HEALTH_TIMEOUT_MS) {
    if (container.exitCode !== null || container.signalCode !== null) throw new Error(`the container exited before /health answered:\n${log()}`);
    try {
      const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2_000) });
      last = `${res.status} ${await res.text()}`;
      if (res.status === 200) return Date.now() - started;
      // 503 is the VM's own answer: it cannot run an agent, and it has said why.
      if (res.status === 503) throw new Error(`/health answered ${last}\n${log()}`);
    } catch (error) {
      if (error instanceof Error && error.message.startsWith("/health answered")) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`/health did not answer 200 within ${seconds(HEALTH_TIMEOUT_MS)} (last: ${last || "no answer"})\n${log()}`);
}

/** The relay's answer to a relay tool call, as the check gives it. */
const TOOL_ANSWER = "No scheduled tasks (the image check's answer).";

/**
 * One run through the VM's protocol, as a user would ask: `text` is what the offline model answers
 * with a tool call (a file written by the CLI's Bash tool, or a relay tool the CLI calls at the
 * VM's own MCP endpoint, which the check answers as the relay would).
 */
async function oneRun(url: string, token: string, runId: string, text: string, options: Record<string, unknown>): Promise<VmRunEvent[]> {
  const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
  const res = await fetch(`${url}${VM_ROUTES.startRun}`, {
    method: "POST",
    headers,
    body: JSON.stringify({ runId, userId: "+15550009999", sessionId: null, messages: [{ id: `${runId}-m1`, text }], options }),
    signal: AbortSignal.timeout(RUN_TIMEOUT_MS),
  });
  if (res.status !== 200 || !res.body) throw new Error(`POST /v1/runs answered ${res.status}: ${await res.text()}`);
  const events: VmRunEvent[] = [];
  let buffered = "";
  for await (const chunk of res.body.pipeThrough(new TextDecoderStream())) {
    buffered += chunk;
    const lines = buffered.split("\n");
    buffered = lines.pop() ?? "";
    for (const line of lines.filter((l) => l.trim() !== "")) {
      const parsed = VmStreamLineSchema.parse(JSON.parse(line));
      if (parsed.type === "heartbeat") continue;
      events.push(parsed);
      if (parsed.type === "tool_call") {
        const answered = await fetch(`${url}${VM_ROUTES.toolResult(runId)}`, { method: "POST", headers, body: JSON.stringify({ callId: parsed.callId, ok: true, text: TOOL_ANSWER }) });
        if (answered.status !== 202) throw new Error(`POST tool-result answered ${answered.status}: ${await answered.text()}`);
      }
      if (isTerminal(parsed)) return events;
    }
  }
  throw new Error(`the run's stream ended without a terminal event: ${JSON.stringify(events)}`);
}

async function main(): Promise<number> {
  const found = Object.fromEntries(ENGINES.map((e) => [e, answers(e)])) as Record<Engine, boolean>;
  const engine = pickEngine(found, process.env.IMAGE_CHECK_ENGINE);
  if (!engine) {
    say(`no container engine found (${ENGINES.join(", ")}${process.env.IMAGE_CHECK_ENGINE ? `; IMAGE_CHECK_ENGINE=${process.env.IMAGE_CHECK_ENGINE}` : ""}): nothing built`);
    return 0;
  }

  const work = mkdtempSync(join(tmpdir(), "image-check-"));
  const tag = IMAGE_TAG;
  const name = `relay-vm-image-check-${process.pid}`;
  let model: AnthropicStandIn | null = null;
  let container: ChildProcess | null = null;
  let containerLog = "";
  let built = false;
  const cleanup = async () => {
    if (container && container.exitCode === null && container.signalCode === null) {
      const exited = new Promise((resolve) => container?.once("exit", resolve));
      // docker/podman: their CLI ends with the container (rm -f below); buildah: unshare's end takes the namespace.
      container.kill(engine === "buildah" ? "SIGKILL" : "SIGTERM");
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000))]);
    }
    if (built) for (const cmd of cleanupCommands(engine, { name })) run(cmd, { quiet: true });
    await model?.close();
    rmSync(work, { recursive: true, force: true });
  };
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => void cleanup().then(() => process.exit(130)));

  try {
    const context = join(work, "context");
    mkdirSync(context);
    const commit = exportHead(context);
    const dockerfile = readFileSync(join(context, DOCKERFILE), "utf8");
    const base = baseImageOf(dockerfile);
    const baseIsLocal = engine === "buildah" && run({ command: "buildah", args: ["inspect", "--type", "image", base] }, { quiet: true }).ok;
    say(`${engine}: building ${DOCKERFILE} from the committed tree (HEAD ${commit}) as ${tag}`);
    const buildStarted = Date.now();
    const imageId = () => run(imageIdCommand(engine, tag), { quiet: true }).out.trim();
    const previous = imageId();
    built = true;
    if (!run(buildCommand(engine, { tag, context, dockerfile: join(context, DOCKERFILE), baseIsLocal })).ok) throw new Error("the build failed (its output is above)");
    // The previous check's image, now without its tag: its layers the new one shares stay.
    if (previous !== "" && previous !== imageId()) run({ command: engine, args: ["rmi", previous] }, { quiet: true });
    const size = run(sizeCommand(engine, tag), { quiet: true }).out.trim().split("\n")[0] ?? "?";
    say(`built in ${seconds(Date.now() - buildStarted)}, ${size}`);

    model = await startAnthropicStandIn({ host: HOST });
    const port = await freePort(HOST);
    const token = `image-check-${process.pid}-${Date.now()}`;
    // ALLOW_SHARED_PROC=1: docker and podman refuse the entrypoint's /proc remount without
    // CAP_SYS_ADMIN, which a Fly Machine has; the check's one run is one person's. Where the
    // remount holds (buildah here), the VM never uses it; where not, its line is shown below.
    const env = { VM_TOKEN: token, PORT: String(port), HOST, ANTHROPIC_BASE_URL: model.url, ANTHROPIC_API_KEY: OFFLINE_MODEL_KEY, ALLOW_SHARED_PROC: "1" };
    const final = parseDockerfile(dockerfile).at(-1);
    if (!final) throw new Error("no stage in the Dockerfile");
    const { entrypoint, cmd } = finalState(final);
    const prepare = prepareCommand(engine, { tag, name });
    if (prepare && !run(prepare, { quiet: true }).ok) throw new Error(`${prepare.command} ${prepare.args.join(" ")} failed`);
    const start = startCommand(engine, { tag, name, env, argv: [...entrypoint, ...cmd] });
    const startedAt = Date.now();
    container = spawn(start.command, start.args, { stdio: ["ignore", "pipe", "pipe"] });
    container.stdout?.on("data", (chunk: Buffer) => (containerLog += chunk.toString()));
    container.stderr?.on("data", (chunk: Buffer) => (containerLog += chunk.toString()));
    const url = `http://${HOST}:${port}`;
    const healthMs = await waitForHealth(url, container, () => containerLog);
    say(`started through its entrypoint (${[...entrypoint, ...cmd].join(" ")}): /health 200 after ${seconds(healthMs)}`);
    for (const line of containerLog.split("\n").filter((l) => /^vm(-entrypoint)?: (cannot run|CAP_|\/proc|ALLOW_SHARED_PROC)/.test(l))) say(`  ${line}`);

    const runStarted = Date.now();
    const bash = `[[tool Bash ${JSON.stringify({ command: "echo checked > image-check.txt && cat image-check.txt" })}]]`;
    const events = await oneRun(url, token, `image-check-${process.pid}`, bash, { permissionMode: "bypassPermissions" });
    const last = events.at(-1);
    const result = events.find((e) => e.type === "result");
    if (last?.type !== "done" || !result || result.isError) throw new Error(`the run did not end answered: ${JSON.stringify(events)}\n${containerLog}`);
    const changed = last.change?.files.map((f) => `${f.path} ${f.status}`).join(", ") ?? "nothing";
    say(`one run of the Claude Code CLI inside it: done in ${seconds(Date.now() - runStarted)}, ${model.requests.filter((r) => r.path === "/v1/messages").length} model requests, changed ${changed}`);

    // A relay tool: the CLI, as the agent's own uid, calls the VM's MCP endpoint, which hears it
    // only from that CLI (the peer check under the image's hidepid and capabilities).
    const toolStarted = Date.now();
    const toolEvents = await oneRun(url, token, `image-check-tool-${process.pid}`, "[[tool schedule_list {}]]", { permissionMode: "default", scheduleTools: true });
    const toolResult = toolEvents.find((e) => e.type === "result");
    const heard = toolEvents.some((e) => e.type === "tool_call" && e.name === "schedule_list");
    if (!heard || toolResult?.type !== "result" || !toolResult.text.includes(TOOL_ANSWER)) throw new Error(`the relay tool call did not go through: ${JSON.stringify(toolEvents)}\n${containerLog}`);
    say(`a relay tool call through the VM's MCP endpoint: answered in ${seconds(Date.now() - toolStarted)}`);

    // A body over the VM's bound is refused before it is buffered, in the image as in the tests.
    const oversized = await fetch(`${url}${VM_ROUTES.startRun}`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: `{"runId":"${"x".repeat(MAX_JSON_BODY_BYTES)}"}`, signal: AbortSignal.timeout(30_000) });
    const refusal = await oversized.text();
    if (oversized.status !== 413) throw new Error(`a start over ${MAX_JSON_BODY_BYTES} bytes answered ${oversized.status}: ${refusal.slice(0, 300)}`);
    say(`a start over the VM's body bound: 413 ${refusal}`);
    say(`ok (image started ${seconds(Date.now() - startedAt)} ago); container and model removed, the image kept as ${tag} for the next check's layers (${engine} rmi ${tag} removes it)`);
    return 0;
  } catch (error) {
    say(`FAILED: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  } finally {
    await cleanup();
  }
}

process.exit(await main());
