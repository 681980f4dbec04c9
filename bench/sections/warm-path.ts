// The warm path against its floors: webhook → the offline model's first request for a warm
// follow-up, through the real relay and the real agent VM, with each round also timing a
// hello-world Worker under wrangler dev and a bare CLI's warm turn, side by side; the VM's timing
// marks (VM_TIMING=log) split the path into its hops (bench/warm-path/*.ts).
import { STAND_IN_CREDENTIALS } from "../lib/stand-ins";
import { inboundForm, messageSid, signedPost } from "../lib/webhooks";
import type { Section, SectionOptions, SectionOutcome } from "../lib/section";
import { sendTurn } from "../machines/drive";
import { modelArrival } from "../machines/measure";
import { THINK_MS } from "../machines/plan";
import { INBOUND_PATH } from "../relay/drive";
import { sampleProblem, summarize, type WarmPathSample, warmPathFigures } from "../warm-path/figures";
import { roundsOf, turnMarks, turnText, WARM_PATH_PHONE, WARM_UP_TURNS } from "../warm-path/plan";
import { type WarmPathStack, withWarmPathStack } from "../warm-path/stack";

export const DEFINITIONS = {
  figure: "the offline model's arrival time (Date.now() once the body is read) of the first POST /v1/messages at or after the moment the signed webhook was sent (Date.now() before the fetch), one machine and one clock; resolution ±1 ms",
  judged: "p50 of the warm path − (p50 of the hello-world Worker + p50 of the bare CLI), all from the same rounds; target ≤ 10 ms (issue 47)",
  helloWorld: "the relay benchmark's hello-world Worker (bench/fixtures/hello-worker) under wrangler dev: the same signed form POSTed to it, send → the whole response read",
  bareCli: "one CLI process with the VM's stream-json flags (no relay tools), on the same offline model, spawned before the rounds: a turn written on its stdin → the model's first request",
  dispatchFloor: "the durable floor Worker (bench/fixtures/durable-floor-worker: signature, form, one insert in the sender's Durable Object) with DISPATCH_URL: the same signed form → its object's POST of the stored message arriving at a loopback server; a reference for the relay's hop (a Worker, an object, its commit and one fetch out), not one of the judged floors",
  hops: "the VM's VM_TIMING=log marks (epoch ms, the same clock): received (its POST /v1/runs arrived), written (the turn on the CLI's stdin), model_request (the CLI's request at the credential proxy); each hop's p50 over the rounds",
  warm: "each sample is a follow-up to a warm CLI: the previous turn ended (model request, run_finished, reply at the emulator) and 1 s passed, as a person who read the reply; then the hello-world request and the durable floor's, then 1 s, then the bare CLI's turn",
};

export const warmPathSection: Section = {
  name: "warm-path",
  title: "the warm path against its floors: webhook → first model request, warm, beside a hello-world Worker and a bare CLI, hop by hop",
  run: ({ quick, log }: SectionOptions) => withWarmPathStack(log, (stack) => measure(stack, roundsOf(quick), log)),
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

async function measure(stack: WarmPathStack, rounds: number, log: (line: string) => void): Promise<SectionOutcome> {
  const runId = Date.now().toString(36);
  for (let i = 0; i < WARM_UP_TURNS; i++) {
    const turn = await sendTurn(stack, stack.relay, WARM_PATH_PHONE, turnText("warm_up", i, runId));
    if (turn.webhookStatus !== 200) throw new Error(`warm-up webhook answered ${turn.webhookStatus}`);
  }
  log(`warm-path: warmed up; ${rounds} rounds`);
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
  for (const reload of stack.relay.reloads) log(`warm-path: wrangler reloaded the relay at ${new Date(reload.at).toISOString()} (a source file changed): this run is disturbed`);
  return {
    status: "ok",
    figures: warmPathFigures(samples, stack.relay.reloads.length),
    details: { definitions: DEFINITIONS, summary: summarize(samples), samples: samples.map((s) => ({ ...s, problem: sampleProblem(s) })), reloads: stack.relay.reloads },
  };
}
