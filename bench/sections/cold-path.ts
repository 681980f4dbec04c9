// The cold path: webhook → the offline model's first request through the real relay and agent VM
// for a new session in the conversation's workspace (a spare CLI takes it), a new conversation in
// a new workspace (the spare the VM starts as /new makes it takes it), a resume after the conversation's CLI ended, and a warm
// follow-up, and a new user's very first message (the fresh stack's first, then one a round); in the same rounds a bare CLI's start and resume. Then the VM's memory with a spare.
import { type AnthropicStandIn, startAnthropicStandIn } from "../../test/stand-ins/anthropic-api";
import { bareColdCli, type BareColdCli } from "../cold-path/bare";
import { BENCH_WARM_SESSION_MS, type ColdKind, type ColdRound, COLD_PATH_PHONE, coldPathFigures, FIRST_USER_PHONE, newUserPhoneOf, READ_MS, roundsOf, type TimedFirst, turnText } from "../cold-path/plan";
import { REPO_ROOT } from "../lib/paths";
import type { Section, SectionOptions, SectionOutcome } from "../lib/section";
import { withStackScope } from "../lib/stack-scope";
import { relayVars, STAND_IN_CREDENTIALS, startStandIns, type StandIns } from "../lib/stand-ins";
import { inboundForm, messageSid, signedPost } from "../lib/webhooks";
import { startWranglerDev, type WranglerDev } from "../lib/wrangler-dev";
import { sendTurn } from "../machines/drive";
import { modelArrival } from "../machines/measure";
import { modelEnv } from "../machines/plan";
import { startSharedVm } from "../machines/stack";
import { parentOf, treeMemory } from "../parallel/tree-memory";
import { readdirSync, readFileSync } from "node:fs";
import { INBOUND_PATH } from "../relay/drive";
import { timingMarkOf, type VmTimingMark } from "../warm-path/plan";

type Stack = { model: AnthropicStandIn; twilio: StandIns; relay: WranglerDev; vmPid: number; marks: VmTimingMark[]; bare: BareColdCli };

/** The VM's child started last (the spare, just after a run), or null: its pid. */
function youngestChild(root: number): number | null {
  let best: { pid: number; start: number } | null = null;
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      if (parentOf(stat) !== root) continue;
      const start = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19]);
      if (!best || start > best.start) best = { pid: Number(entry), start };
    } catch {
      // Gone meanwhile.
    }
  }
  return best?.pid ?? null;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A mark the VM's stdout may still be carrying (at most 1 s), or null. */
async function eventuallyMark(read: () => number | null): Promise<number | null> {
  for (const until = Date.now() + 1_000; ; await pause(20)) {
    const at = read();
    if (at !== null || Date.now() > until) return at;
  }
}
let sids = 0;

/** A relay command (`/new`, `/new name`) and the wait for its reply at the Twilio emulator. */
async function sendCommand(stack: Stack, text: string): Promise<void> {
  const before = (await stack.twilio.sentMessages()).length;
  const url = `${stack.relay.url}${INBOUND_PATH}`;
  const post = signedPost(url, inboundForm({ phone: COLD_PATH_PHONE, text, sid: messageSid(800_000 + ++sids) }, STAND_IN_CREDENTIALS.accountSid), STAND_IN_CREDENTIALS.authToken);
  const response = await fetch(url, { method: "POST", headers: post.headers, body: post.body, signal: AbortSignal.timeout(30_000) });
  if (response.status !== 200) throw new Error(`${text} answered ${response.status}`);
  for (const until = Date.now() + 30_000; (await stack.twilio.sentMessages()).length <= before; await pause(50)) {
    if (Date.now() > until) throw new Error(`no reply to ${text}`);
  }
}

/**
 * One message's webhook → the model's first request, whether the VM handed its run a spare, and
 * from the VM's marks (epoch ms, as sentAt) its webhook → the CLI's spawn and that spawn → the
 * first model request at the proxy (null: a spare's run, or a mark missing).
 */
async function timedTurn(stack: Stack, text: string, phone = COLD_PATH_PHONE): Promise<TimedFirst & { cli: number | null }> {
  const turn = await sendTurn(stack, stack.relay, phone, text);
  if (turn.webhookStatus !== 200) throw new Error(`the webhook answered ${turn.webhookStatus}`);
  const at = modelArrival(turn.modelRequests, turn.sentAt, text).firstAt;
  const received = stack.marks.find((m) => m.mark === "received" && m.at >= turn.sentAt);
  const spare = received !== undefined && stack.marks.some((m) => m.runId === received.runId && m.mark === "spare_taken");
  const markOf = (mark: string) => (received ? (stack.marks.find((m) => m.runId === received.runId && m.mark === mark)?.at ?? null) : null);
  // The model request's mark is logged as the proxy sees it, a moment before the model has it.
  const spawned = markOf("spawned");
  const modelRequest = at === null ? null : await eventuallyMark(() => markOf("model_request"));
  return {
    ms: at === null ? null : at - turn.sentAt,
    spare,
    toSpawn: spawned === null ? null : Math.round(spawned - turn.sentAt),
    cli: spawned === null || modelRequest === null ? null : Math.round(modelRequest - spawned),
  };
}

async function measure(stack: Stack, rounds: number, log: (line: string) => void): Promise<SectionOutcome> {
  const runId = Date.now().toString(36);
  // The stack's very first message, from a phone never seen, on a VM that has served nobody: the
  // slot's spare it started at boot is for it. The relay's isolate is loaded first (a Worker
  // deployed long before is not cold at a new user's message); the user's Durable Object is new, as every new user's.
  await fetch(`${stack.relay.url}/health`, { signal: AbortSignal.timeout(30_000) }).then((response) => response.arrayBuffer());
  await pause(READ_MS);
  const firstUser = await timedTurn(stack, turnText("first_user", 0, runId), FIRST_USER_PHONE);
  log(`cold-path: the fresh stack's first message (the VM's first user) ${firstUser.ms} ms (${firstUser.spare ? "a spare" : `no spare, spawned at ${firstUser.toSpawn} ms`})`);
  await pause(READ_MS);
  await sendTurn(stack, stack.relay, COLD_PATH_PHONE, turnText("warm_up", 0, runId));
  const samples: ColdRound[] = [];
  let spareMb: number | null = null;
  let vmTreeMb = 0;
  let mainUsedAt = Date.now();
  for (let round = 0; round < rounds; round++) {
    const t = (kind: ColdKind) => turnText(kind, round, runId);
    // The conversation's CLI has ended (WARM_SESSION_MS after its last run): the message resumes its session.
    await pause(Math.max(READ_MS, mainUsedAt + BENCH_WARM_SESSION_MS + 1_500 - Date.now()));
    const resume = await timedTurn(stack, t("resume"));
    // That run's spare is up a moment after it: the VM's memory with it, then /new's first message takes it.
    await pause(READ_MS);
    const withSpare = treeMemory(stack.vmPid);
    const spare = youngestChild(stack.vmPid);
    const spareTree = spare === null ? null : treeMemory(spare);
    await sendCommand(stack, "/new");
    const newSession = await timedTurn(stack, t("new_session"));
    if (round === 0) vmTreeMb = withSpare.rssMb;
    if (newSession.spare && spareMb === null && spareTree) spareMb = spareTree.rssMb;
    await pause(READ_MS);
    const warm = await timedTurn(stack, t("warm"));
    mainUsedAt = Date.now();
    await pause(READ_MS);
    // A new conversation gets a new workspace; the VM starts a spare there as it makes it. The user
    // reads /new's answer before writing, as after every reply here.
    await sendCommand(stack, `/new bench${round}`);
    await pause(READ_MS);
    const newWorkspace = await timedTurn(stack, t("new_workspace"));
    await sendCommand(stack, "/switch 1");
    await pause(READ_MS);
    const start = await stack.bare.turn(turnText("bare_start", round, runId), null);
    await pause(READ_MS);
    const bareResume = start.sessionId ? await stack.bare.turn(turnText("bare_resume", round, runId), start.sessionId) : { firstMs: null };
    // A phone neither the relay nor the VM has seen: a new user's very first message.
    await pause(READ_MS);
    const newUser = await timedTurn(stack, turnText("new_user", round, runId), newUserPhoneOf(round));
    const sample: ColdRound = { new_session: newSession.ms, new_workspace: newWorkspace.ms, warm: warm.ms, resume: resume.ms, bareStart: start.firstMs, bareResume: bareResume.firstMs, spareTaken: newSession.spare, workspaceSpareTaken: newWorkspace.spare, resumeToSpawn: resume.toSpawn, resumeCli: resume.cli, new_user: newUser.ms, newUserSpareTaken: newUser.spare, newUserToSpawn: newUser.toSpawn };
    samples.push(sample);
    log(`cold-path: round ${round + 1}/${rounds}: new user ${sample.new_user} ms (${newUser.spare ? "a spare" : "no spare"}, spawned at ${newUser.toSpawn} ms), new session ${sample.new_session} ms (${newSession.spare ? "a spare" : "no spare"}), new workspace ${sample.new_workspace} ms (${newWorkspace.spare ? "a spare" : "no spare"}), resume ${sample.resume} ms (spawned at ${sample.resumeToSpawn} ms, the CLI ${sample.resumeCli} ms), warm ${sample.warm} ms; bare start ${sample.bareStart} ms, resume ${sample.bareResume} ms`);
  }
  return { status: "ok", figures: coldPathFigures(samples, { vmTreeMb, spareMb }, firstUser), details: { firstUser, samples, reloads: stack.relay.reloads } };
}

export const coldPathSection: Section = {
  name: "cold-path",
  title: "the cold path: webhook → first model request for a new session (spare), a new workspace (spare), a resume and a warm follow-up, beside a bare CLI's start and resume",
  run: ({ quick, log }: SectionOptions) =>
    withStackScope("cold-path", log, async (onClose) => {
      const model = await startAnthropicStandIn();
      onClose("the offline model", () => model.close());
      const asRoot = process.getuid?.() === 0;
      const twilio = await startStandIns();
      onClose("the Twilio emulator", () => twilio.stop());
      const marks: VmTimingMark[] = [];
      const vm = await startSharedVm(modelEnv(model.url, asRoot), { VM_TIMING: "log", WARM_SESSION_MS: String(BENCH_WARM_SESSION_MS) }, (line) => {
        const mark = timingMarkOf(line);
        if (mark) marks.push(mark);
      });
      onClose("the VM", () => vm.stop());
      const relay = await startWranglerDev({ cwd: REPO_ROOT, varsFor: relayVars({ twilioUrl: twilio.twilioUrl, vmUrl: vm.url }, [COLD_PATH_PHONE, FIRST_USER_PHONE, ...Array.from({ length: roundsOf(quick) }, (_, i) => newUserPhoneOf(i))]) });
      onClose("the relay", () => relay.stop());
      const bare = await bareColdCli(model, modelEnv(model.url, asRoot));
      onClose("the bare CLI's home", () => bare.close());
      log(`cold-path: relay ${relay.url}, VM ${vm.url} (WARM_SESSION_MS ${BENCH_WARM_SESSION_MS}, spares as shipped)`);
      return await measure({ model, twilio, relay, vmPid: vm.pid, marks, bare }, roundsOf(quick), log);
    }),
};
