// The runs unit taking a run up and giving it input: reaching the Machine when it is not warm (a
// phase with its own deadline), starting the VM run with what run-input.ts gives it or
// reconnecting to its events, then the answers it is owed and the messages that join it as
// further turns. Part of run-driver.ts: the stream it opens is read by run-stream.ts.
import { injectable } from "./batching";
import { TYPING_REFRESH_MS } from "./stream-ticks";
import { MAX_MESSAGES_PER_TURN, type Run, type RunEvent, stepRun, takesInput } from "./run-lifecycle";
import { applyStep } from "./run-effects";
import { stepTime } from "../shared/step-time";
import { readLines } from "../shared/ndjson";
import { startRequestOf, toInput } from "./run-input";
import type { QueuedMessage } from "../messages/messages-repo";
import type { RunDriverDeps } from "./run-driver-deps";
import { quiet, type Reading, type RunStep } from "./run-stream";

const TYPING_DELAY_MS = 1_500;

export function createRunOpening(d: RunDriverDeps, reading: Pick<Reading, "lives" | "observed" | "fail">, ready: () => QueuedMessage[]) {
  const { lives, observed, fail } = reading;

  /** A step of the run that writes nothing (its attempt is in memory): what stepRun asks for next. */
  const attempt = (run: Run, event: RunEvent, now: number) => {
    const step = stepRun(run, [], event, now);
    return { run: step.run ?? run, effect: step.effects[0] ?? null };
  };

  /** Posts every answer the VM run has not heard yet (after a reset too: see open()); a decision it no longer waited for is told too late. */
  const deliverAnswers = async (vmRunId: string, present: () => number): Promise<void> => {
    if (!d.vm) return;
    const late = await d.answers.deliver(vmRunId, d.vm);
    if (late.length > 0) d.transaction(() => d.happened({ kind: "decisions_late", late, now: present() }));
  };

  /**
   * Takes the run up: reaches the Machine first when it is not warm (a phase with its own
   * deadline), then starts the VM run or reconnects to its events (with another).
   */
  const open = async (stored: Run, now: number): Promise<RunStep> => {
    const vm = d.vm;
    let { run, effect } = attempt(stored, { type: "open", machine: vm === null || vm.ready() ? "ready" : "cold" }, now);
    if (effect?.type === "wait") return { kind: "waiting", at: effect.at };
    if (!vm) return fail(stored, { kind: "transport", reason: "unreachable" }, "VM_URL/VM_TOKEN not configured", now);
    const present = stepTime(now, d.clock);
    let openedAt = now;
    if (effect?.type === "connect") {
      const reached = await within(vm.connect(now, effect.deadline), effect.deadline - now, { ok: false, detail: `the Machine was not reachable within ${Math.round((effect.deadline - now) / 1000)} s` });
      openedAt = present();
      if (!reached.ok) {
        observed.vm = { ok: false, at: openedAt, failure: "unreachable" };
        return fail(run, { kind: "transport", reason: "unreachable" }, reached.detail, now);
      }
      // /stop or /deny may have ended it meanwhile, or a retry named a new VM run: nothing to open.
      const current = d.runs.get(run.id);
      if (!current || !takesInput(current, run.vmRunId)) return { kind: "changed" };
      ({ run, effect } = attempt({ ...current, attempt: run.attempt }, { type: "connected" }, openedAt));
    }
    if (effect?.type !== "start" && effect?.type !== "reconnect") return { kind: "changed" };
    const abort = new AbortController();
    const giveUp = setTimeout(() => abort.abort(), Math.max(0, effect.deadline - openedAt));
    const opened =
      effect.type === "start"
        ? await vm.startRun(await startRequestOf(d, run, now), abort.signal)
        : await vm.events(run.vmRunId, effect.afterSeq, abort.signal);
    clearTimeout(giveUp);
    // The VM may have taken up to 30 s to answer; a failed attempt's backoff still counts from `now`, when it began.
    const answeredAt = present();
    observed.vm = { ok: opened.ok, at: answeredAt, failure: opened.ok ? null : opened.failure };
    if (!opened.ok) return fail(run, { kind: "transport", reason: opened.failure }, opened.detail, now);
    // A fresh start is implied by message_queued and summed up by run_finished; a reconnect is news.
    if (effect.type === "reconnect") d.log("run_streaming", { runId: run.id, vmRunId: run.vmRunId, afterSeq: effect.afterSeq, context: run.context });
    run = attempt(run, { type: "opened" }, answeredAt).run;
    // The pages learn of the run once the VM has it: the write stays off the way to the model.
    if (effect.type === "start") d.happened({ kind: "run_started", run, at: answeredAt });
    const lines = readLines(opened.body);
    // The first typing indicator after a short delay: an instant answer needs none.
    // A start (or re-attach) streams from seq 1; a reconnect from just after what is stored.
    const expectedSeq = effect.type === "start" ? 1 : effect.afterSeq + 1;
    lives.set(run.id, { run, expectedSeq, lines, pending: quiet(lines.next()), abort, lastLineAt: answeredAt, lastTypingAt: answeredAt - TYPING_REFRESH_MS + TYPING_DELAY_MS, knownSince: answeredAt, heldAnswer: null });
    await deliverAnswers(run.vmRunId, present);
    return { kind: "changed" };
  };

  /** Messages that arrived during the run become further turns of the live session. */
  const injectQueued = async (run: Run, now: number): Promise<boolean> => {
    // Only into the run whose stream this instance reads, and only while it is still that VM run;
    // past a cap a further turn waits like a new run would (the turn in progress finishes).
    const current = d.runs.get(run.id);
    if (!d.vm || !current || !takesInput(current, run.vmRunId)) return false;
    if (d.budget.blockedUntil(now) !== null || d.modelPause.blockedUntil(now) !== null || d.archive.blockedUntil(now) !== null) return false;
    const ids = injectable(ready(), { ...current, event: d.messages.eventsOfRun(run.id).length > 0 }, MAX_MESSAGES_PER_TURN);
    if (ids.length === 0) return false;
    const turn = ids.flatMap((id) => d.messages.get(id) ?? []);
    const sent = await d.vm.input(run.vmRunId, await Promise.all(turn.map((m) => toInput(d, m))));
    const accepted = sent.ok && sent.accepted;
    if (accepted)
      d.transaction(() => {
        const fresh = d.runs.get(run.id);
        applyStep(d, fresh, stepRun(fresh, d.messages.pending(), { type: "injected", vmRunId: run.vmRunId, ids }, now), now);
      });
    d.log("run_input", { runId: run.id, messages: ids.length, accepted });
    return accepted;
  };

  return { open, injectQueued, deliverAnswers };
}

/** `promise`, or `late` once `ms` passed without it (the promise goes on, unheard). */
function within<T>(promise: Promise<T>, ms: number, late: T): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const timeout = new Promise<T>((resolve) => (timer = setTimeout(() => resolve(late), Math.max(0, ms))));
  return Promise.race([promise, timeout]).finally(() => {
    if (timer !== null) clearTimeout(timer);
  });
}
