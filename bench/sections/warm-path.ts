// The warm path against its floors: webhook → the offline model's first request for a warm
// follow-up, through the real relay and the real agent VM, with each round also timing a
// hello-world Worker under wrangler dev and a bare CLI's warm turn, side by side; the VM's timing
// marks (VM_TIMING=log) split the path into its hops. Then reference rounds send warm turns straight
// to the VM with the relay's options, each beside a bare CLI's turn: what the VM and the CLI take
// with nothing of the relay at work (bench/warm-path/*.ts).
import { STAND_IN_CREDENTIALS } from "../lib/stand-ins";
import { inboundForm, messageSid, signedPost } from "../lib/webhooks";
import type { Section, SectionOptions, SectionOutcome } from "../lib/section";
import { sendTurn } from "../machines/drive";
import { startRun } from "../parallel/drive";
import { modelArrival } from "../machines/measure";
import { THINK_MS } from "../machines/plan";
import { INBOUND_PATH } from "../relay/drive";
import { sampleProblem, summarize, type VmAloneSample, type VmAloneTurn, type WarmPathSample, warmPathFigures } from "../warm-path/figures";
import {
  aloneRoundsOf,
  roundsOf,
  turnMarks,
  turnText,
  VM_ALONE_OPTIONS,
  VM_ALONE_USER,
  VM_SETTLE_MS,
  WARM_PATH_PHONE,
  WARM_UP_TURNS,
} from "../warm-path/plan";
import { type WarmPathStack, withWarmPathStack } from "../warm-path/stack";
import { cpuFigures, cpuPerRound, cpuSnapshot, type CpuSources } from "../warm-path/cpu";

export const DEFINITIONS = {
  figure: "the offline model's arrival time (Date.now() once the body is read) of the first POST /v1/messages at or after the moment the signed webhook was sent (Date.now() before the fetch), one machine and one clock; resolution ±1 ms",
  judged: "p50 of the warm path − (p50 of the hello-world Worker + p50 of the bare CLI), all from the same rounds; target ≤ 10 ms (issue 47)",
  helloWorld: "the relay benchmark's hello-world Worker (bench/fixtures/hello-worker) under wrangler dev: the same signed form POSTed to it, send → the whole response read",
  bareCli: "one CLI process with the VM's stream-json flags and what the VM's CLI loads for a chat run (the relay's tool set over HTTP, served by the bench as the VM serves it; the approvals' prompt tool; the WhatsApp instructions; no settings files), on the same offline model, spawned before the rounds: a turn written on its stdin → the model's first request (not through the credential proxy)",
  dispatchFloor: "the durable floor Worker (bench/fixtures/durable-floor-worker: signature, form, one insert in the sender's Durable Object) with DISPATCH_URL: the same signed form → its object's POST of the stored message arriving at a loopback server; a reference for the relay's hop (a Worker, an object, its commit and one fetch out), not one of the judged floors",
  vmAlone: "a reference, in rounds after the path's: another user's warm CLI on the same VM, its turn sent straight to POST /v1/runs with the options the relay sends for a chat run (approvals edits, the schedule tools, the WhatsApp instructions): send → the model's first request, and the same VM marks; 1 s after a bare CLI turn it is paired with, which comes at least 2.2 s after the VM's last turn (by then the VM has compacted its heap, 1-2 s after it goes quiet). What the VM, the CLI and the proxy take when nothing of the relay's turn is at work",
  hops: "the VM's VM_TIMING=log marks (epoch ms, the same clock): received (its POST /v1/runs arrived), written (the turn on the CLI's stdin), model_request (the CLI's request at the credential proxy); each hop's p50 over the rounds",
  cpu: "CPU milliseconds (user + system, /proc) per path round, read before and after the path's rounds: wrangler dev's group (its workerd alone apart), the VM server's own, the VM's live descendants and the children it reaped (its CLIs, git), the hello-world Worker's workerd, the bare CLI's tree; the durable floor's dispatch is left out",
  warm: "each sample is a follow-up to a warm CLI: the previous turn ended (model request, run_finished, reply at the emulator) and 1 s passed, as a person who read the reply; then the hello-world request and the durable floor's, then 1 s, then the bare CLI's turn",
};

export const warmPathSection: Section = {
  name: "warm-path",
  title: "the warm path against its floors: webhook → first model request, warm, beside a hello-world Worker and a bare CLI, hop by hop",
  run: ({ quick, log }: SectionOptions) => withWarmPathStack(log, (stack) => measure(stack, roundsOf(quick), aloneRoundsOf(quick), log)),
};

let sids = 0;

/** The same signed form the relay gets, POSTed to another Worker: its status, when it was sent, and the whole answer's time. */
async function postForm(baseUrl: string, text: string): Promise<{ sid: string; sentAt: number; ok: boolean; answeredMs: number }> {
  const url = `${baseUrl}${INBOUND_PATH}`;
  const sid = messageSid(900_000 + ++sids);
  const post = signedPost(url, inboundForm({ phone: WARM_PATH_PHONE, text, sid }, STAND_IN_CREDENTIALS.accountSid), STAND_IN_CREDENTIALS.authToken);
  const sentAt = Date.now();
  const response = await fetch(url, { method: "POST", headers: post.headers, body: post.body, signal: AbortSignal.timeout(10_000) });
  await response.arrayBuffer();
  return { sid, sentAt, ok: response.status === 200, answeredMs: Date.now() - sentAt };
}

/** The hello-world Worker's round trip for the same signed form the relay gets. */
async function helloMs(stack: WarmPathStack, text: string): Promise<number | null> {
  const answer = await postForm(stack.hello.url, text);
  return answer.ok ? answer.answeredMs : null;
}

/** The durable floor's webhook sent → its dispatch arrived (waited for as long as the answer took again, at least 1 s). */
async function dispatchFloorMs(stack: WarmPathStack, text: string): Promise<number | null> {
  const answer = await postForm(stack.dispatchFloor.url, text);
  if (!answer.ok) return null;
  const until = Date.now() + Math.max(1_000, answer.answeredMs);
  while (stack.dispatchTarget.arrivalOf(answer.sid) === null && Date.now() < until) await pause(5);
  const at = stack.dispatchTarget.arrivalOf(answer.sid);
  return at === null ? null : at - answer.sentAt;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One VM-alone turn on its session (null: a new one): its times from the send, and the session to resume next. */
async function vmAloneTurn(stack: WarmPathStack, text: string, sessionId: string | null): Promise<{ turn: VmAloneTurn | null; sessionId: string | null; error: string | null }> {
  // This turn's requests, read as the path's turns read theirs (modelArrival).
  const fromIndex = stack.model.requests.length;
  const run = startRun(stack.vmUrl, "main", text, sessionId, { userId: VM_ALONE_USER, options: VM_ALONE_OPTIONS });
  const end = await run.end;
  const next = end.sessionId ?? sessionId;
  const at = modelArrival(stack.model.requests.slice(fromIndex), run.sentAt, text).firstAt;
  const marks = turnMarks(stack.vmMarks, run.sentAt);
  if (!end.ok || at === null || marks.received === null || marks.written === null || marks.modelRequest === null) {
    return { turn: null, sessionId: next, error: end.error ?? "no model request or no VM marks" };
  }
  const since = (t: number) => t - run.sentAt;
  return { turn: { firstModelMs: since(at), receivedMs: since(marks.received), writtenMs: since(marks.written), proxyMs: since(marks.modelRequest) }, sessionId: next, error: null };
}

/**
 * The reference rounds, after the path's: the VM left to settle, a bare CLI turn, 1 s (the bare
 * CLI works on after its result), then one VM-alone turn. Warm-up turns first.
 */
async function measureAlone(stack: WarmPathStack, rounds: number, runId: string, log: (line: string) => void): Promise<VmAloneSample[]> {
  let session: string | null = null;
  for (let i = 0; i < WARM_UP_TURNS; i++) {
    const warmUp = await vmAloneTurn(stack, turnText("alone_warm_up", i, runId), session);
    if (warmUp.error) throw new Error(`the VM-alone warm-up turn failed: ${warmUp.error}`);
    session = warmUp.sessionId;
  }
  let vmQuietFrom = Date.now();
  const samples: VmAloneSample[] = [];
  for (let round = 0; round < rounds; round++) {
    await pause(Math.max(THINK_MS, vmQuietFrom + VM_SETTLE_MS - Date.now()));
    const bare = await stack.bareCli.turn(turnText("bare_alone", round, runId));
    await pause(THINK_MS);
    const sent = await vmAloneTurn(stack, turnText("alone", round, runId), session);
    vmQuietFrom = Date.now();
    session = sent.sessionId;
    samples.push({ round, bareCliMs: bare, turn: sent.turn });
    log(`warm-path: reference round ${round + 1}/${rounds}: bare CLI ${bare ?? "n/a"} ms, the VM alone ${sent.turn?.firstModelMs ?? "n/a"} ms${sent.error ? ` (${sent.error})` : ""}`);
  }
  return samples;
}

async function measure(stack: WarmPathStack, rounds: number, aloneRounds: number, log: (line: string) => void): Promise<SectionOutcome> {
  const runId = Date.now().toString(36);
  for (let i = 0; i < WARM_UP_TURNS; i++) {
    const turn = await sendTurn(stack, stack.relay, WARM_PATH_PHONE, turnText("warm_up", i, runId));
    if (turn.webhookStatus !== 200) throw new Error(`warm-up webhook answered ${turn.webhookStatus}`);
  }
  log(`warm-path: warmed up; ${rounds} rounds`);
  const cpuSources: CpuSources = { relay: () => stack.relay.cpu(), hello: () => stack.hello.cpu(), vmPid: stack.vmPid, bareCliPid: stack.bareCli.pid };
  const cpuBefore = cpuSnapshot(cpuSources);
  const samples: WarmPathSample[] = [];
  for (let round = 0; round < rounds; round++) {
    await pause(THINK_MS);
    const text = turnText("sample", round, runId);
    const turn = await sendTurn(stack, stack.relay, WARM_PATH_PHONE, text);
    const arrival = modelArrival(turn.modelRequests, turn.sentAt, text);
    const marks = turnMarks(stack.vmMarks, turn.sentAt);
    const since = (at: number | null) => (at === null ? null : at - turn.sentAt);
    const hello = await helloMs(stack, text);
    const dispatchFloor = await dispatchFloorMs(stack, text);
    await pause(THINK_MS);
    const bare = await stack.bareCli.turn(turnText("bare", round, runId));
    const sample: WarmPathSample = {
      round,
      webhookStatus: turn.webhookStatus,
      webhookMs: turn.webhookMs,
      firstModelMs: since(arrival.firstAt),
      vmReceivedMs: since(marks.received),
      writtenMs: since(marks.written),
      proxyMs: since(marks.modelRequest),
      helloMs: hello,
      bareCliMs: bare,
      dispatchFloorMs: dispatchFloor,
    };
    samples.push(sample);
    const problem = sampleProblem(sample);
    log(`warm-path: round ${round + 1}/${rounds}: ${sample.firstModelMs ?? "no"} ms to the model, hello ${hello ?? "n/a"} ms, durable dispatch ${dispatchFloor ?? "n/a"} ms, bare CLI ${bare ?? "n/a"} ms${problem ? ` (set aside: ${problem})` : ""}`);
  }
  const cpu = cpuPerRound(cpuBefore, cpuSnapshot(cpuSources), rounds);
  const alone = await measureAlone(stack, aloneRounds, runId, log);
  for (const reload of stack.relay.reloads) log(`warm-path: wrangler reloaded the relay at ${new Date(reload.at).toISOString()} (a source file changed): this run is disturbed`);
  return {
    status: "ok",
    figures: [...warmPathFigures(samples, alone, stack.relay.reloads.length), ...cpuFigures(cpu)],
    details: { definitions: DEFINITIONS, summary: summarize(samples, alone), cpuPerRound: cpu, samples: samples.map((s) => ({ ...s, problem: sampleProblem(s) })), alone, reloads: stack.relay.reloads },
  };
}
