// Drives this phone's agent runs against the VM: starts a batch, reads its event stream,
// applies each event exactly once (its seq is stored with its effect), and handles failures.
import { StreamLineSchema, type InputMessage } from "../protocol/vm-protocol";
import { TASK_INSTRUCTIONS, WHATSAPP_INSTRUCTIONS } from "../core/agent-instructions";
import { readLines } from "../core/ndjson";
import type { RunFailure } from "../core/run-policy";
import type { Run } from "./db/runs-repo";
import type { QueuedMessage } from "./db/messages-repo";
import { injectable, selectBatch } from "../core/batching";
import { markTasksStarted } from "./task-lifecycle";
import { applyFailure, applyRunEvent, MAX_MESSAGES_PER_TURN, type RelayState } from "./run-effects";
import type { VmClient } from "./vm-client";

/** How long one alarm invocation reads a stream before handing over to the next (15 min cap). */
export const STREAM_SLICE_MS = 5 * 60_000;
/** Three missed heartbeats: the connection is dead even if TCP has not noticed. */
export const STREAM_IDLE_TIMEOUT_MS = 45_000;
export const TYPING_REFRESH_MS = 20_000;
export const TYPING_DELAY_MS = 1_500;
/**
 * While a stream is read, the alarm stays this far ahead and is pushed on every half of it:
 * if this instance dies (a deploy resets it), a new one resumes the run within a minute.
 */
export const WATCHDOG_MS = 60_000;

export type DriverDeps = RelayState & {
  vm: VmClient | null;
  userId: () => string;
  flushOutbox: () => Promise<void>;
  refreshTyping: () => Promise<void>;
  /** Arms the watchdog alarm that reconnects if this instance dies mid-stream. */
  armWatchdog: () => Promise<void>;
  /** Timers other than the run's (outbox retries, due tasks): a long stream must not delay them. */
  nextTimerAt: () => number | null;
  runTimers: () => Promise<void>;
};

type DriveOutcome = "finished" | "failed" | "slice_over";

export class RunDriver {
  private wakeSignal: (() => void) | null = null;
  /** A wake that came while no stream loop listened (between connecting and reading). */
  private wakePending = false;

  constructor(private readonly d: DriverDeps) {}

  /** Something changed (a message arrived): a live stream loop reacts without waiting. */
  wake(): void {
    this.wakePending = true;
    this.wakeSignal?.();
  }

  /** Runs what is due, one batch after another, until nothing is due now or the slice ends. */
  async pump(deadline: number): Promise<void> {
    await this.d.flushOutbox();
    for (;;) {
      const now = this.d.now();
      const run = this.d.repos.runs.open() ?? this.startNextBatch(now);
      if (!run || run.nextAttemptAt > now || Date.now() >= deadline) return;
      const outcome = await this.drive(run, deadline);
      await this.d.flushOutbox();
      if (outcome === "slice_over") return;
    }
  }

  private startNextBatch(now: number): Run | null {
    const { messages, runs, settings } = this.d.repos;
    const queued = messages.queued(MAX_MESSAGES_PER_TURN);
    const batch = selectBatch(queued, MAX_MESSAGES_PER_TURN);
    if (!batch) return null;
    return this.d.transaction(() => {
      const sessionId = batch.context === "chat" ? settings.get("session_id") : null;
      const run = runs.create({ id: crypto.randomUUID(), sessionId, context: batch.context, now });
      messages.assignToRun(batch.ids, run.id, now);
      markTasksStarted(
        this.d.repos,
        queued.filter((m) => batch.ids.includes(m.id)),
        now,
      );
      return run;
    });
  }

  private async drive(run: Run, deadline: number): Promise<DriveOutcome> {
    if (!this.d.vm) return this.fail(run, { kind: "transport", reason: "unreachable" }, "VM_URL/VM_TOKEN not configured");
    const abort = new AbortController();
    const opened =
      run.phase === "waiting"
        ? await this.d.vm.startRun(
            {
              runId: run.vmRunId,
              userId: this.d.userId(),
              sessionId: run.sessionId,
              messages: this.d.repos.messages.ofRun(run.id, "dispatched").slice(0, MAX_MESSAGES_PER_TURN).map(toInput),
              // A task in its own session neither sees nor changes the user's schedules.
              options: {
                permissionMode: "bypassPermissions",
                scheduleTools: run.context === "chat",
                appendSystemPrompt: run.context === "chat" ? WHATSAPP_INSTRUCTIONS : `${WHATSAPP_INSTRUCTIONS}\n${TASK_INSTRUCTIONS}`,
              },
            },
            abort.signal,
          )
        : await this.d.vm.events(run.vmRunId, run.lastSeq, abort.signal);
    if (!opened.ok) return this.fail(run, { kind: "transport", reason: opened.failure }, opened.detail);
    this.d.repos.runs.markStreaming(run.id, this.d.now());
    await this.d.armWatchdog();
    // A fresh start is implied by message_queued and summed up by run_finished; a reconnect is news.
    if (run.phase !== "waiting") this.d.log("run_streaming", { runId: run.id, vmRunId: run.vmRunId, afterSeq: run.lastSeq, context: run.context });
    await this.deliverToolAnswers(run);
    try {
      return await this.readStream(run, opened.body, deadline);
    } finally {
      abort.abort();
      this.wakeSignal = null;
    }
  }

  private async readStream(run: Run, body: ReadableStream<Uint8Array>, deadline: number): Promise<DriveOutcome> {
    const lines = readLines(body);
    let pending = lines.next();
    pending.catch(() => undefined);
    let lastLineAt = Date.now();
    // The first typing indicator after a short delay: an instant answer needs none.
    let lastTypingAt = Date.now() - TYPING_REFRESH_MS + TYPING_DELAY_MS;
    let lastWatchdogAt = Date.now();
    for (;;) {
      if (Date.now() - lastWatchdogAt >= WATCHDOG_MS / 2) {
        await this.d.armWatchdog();
        lastWatchdogAt = Date.now();
      }
      const wake = this.wakePending
        ? Promise.resolve("wake" as const)
        : new Promise<"wake">((resolve) => (this.wakeSignal = () => resolve("wake")));
      const timerAt = Math.min(
        deadline,
        lastLineAt + STREAM_IDLE_TIMEOUT_MS,
        lastTypingAt + TYPING_REFRESH_MS,
        lastWatchdogAt + WATCHDOG_MS / 2,
        this.d.nextTimerAt() ?? Number.POSITIVE_INFINITY,
      );
      let timer: ReturnType<typeof setTimeout> | undefined;
      const tick = new Promise<"tick">((resolve) => (timer = setTimeout(() => resolve("tick"), Math.max(0, timerAt - Date.now()))));
      const winner = await Promise.race([pending.then((r) => r, () => "broken" as const), wake, tick]);
      if (timer !== undefined) clearTimeout(timer);

      if (winner === "wake") {
        this.wakePending = false;
        await this.injectQueued(run);
        await this.d.flushOutbox();
        continue;
      }
      if (winner === "tick") {
        if (Date.now() >= deadline) return "slice_over";
        if (Date.now() - lastLineAt >= STREAM_IDLE_TIMEOUT_MS) {
          return this.fail(run, { kind: "transport", reason: "bad_stream" }, "no heartbeat");
        }
        await this.d.runTimers();
        if (Date.now() - lastTypingAt >= TYPING_REFRESH_MS) {
          await this.d.refreshTyping();
          lastTypingAt = Date.now();
        }
        continue;
      }
      if (winner === "broken" || winner.done) {
        return this.fail(run, { kind: "transport", reason: "bad_stream" }, "stream ended before the run did");
      }
      lastLineAt = Date.now();
      pending = lines.next();
      pending.catch(() => undefined);
      const line = parseLine(winner.value);
      if (line === null) return this.fail(run, { kind: "transport", reason: "bad_stream" }, "invalid event line");
      if (line.type === "heartbeat") continue;
      const outcome = applyRunEvent(this.d, run.id, run.vmRunId, line);
      if (line.type === "tool_call") await this.deliverToolAnswers(run);
      await this.d.flushOutbox();
      if (outcome === "terminal") return "finished";
    }
  }

  /** Messages that arrived during the run become further turns of the live session. */
  private async injectQueued(run: Run): Promise<void> {
    const { messages, runs } = this.d.repos;
    const current = runs.get(run.id);
    if (!this.d.vm || current?.phase !== "streaming" || current.vmRunId !== run.vmRunId) return;
    const ids = injectable(messages.queued(MAX_MESSAGES_PER_TURN), current.context, MAX_MESSAGES_PER_TURN);
    if (ids.length === 0) return;
    const turn = ids.flatMap((id) => messages.get(id) ?? []);
    const sent = await this.d.vm.input(run.vmRunId, turn.map(toInput));
    if (sent.ok && sent.accepted) messages.assignToRun(ids, run.id, this.d.now());
    this.d.log("run_input", { runId: run.id, messages: ids.length, accepted: sent.ok && sent.accepted });
  }

  /** Sends every stored answer the VM has not had yet (after a reset too: see drive()). */
  private async deliverToolAnswers(run: Run): Promise<void> {
    const { toolCalls } = this.d.repos;
    for (const answer of toolCalls.unanswered(run.vmRunId)) {
      const sent = await this.d.vm?.toolResult(run.vmRunId, answer);
      if (sent?.ok) toolCalls.markAnswered(run.vmRunId, answer.callId);
    }
  }

  private fail(run: Run, failure: RunFailure, detail: string): DriveOutcome {
    this.d.log("run_failure", { runId: run.id, vmRunId: run.vmRunId, failure, detail });
    this.d.transaction(() => applyFailure(this.d, run.id, failure));
    return "failed";
  }
}

function parseLine(text: string) {
  try {
    const parsed = StreamLineSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

function toInput(m: QueuedMessage): InputMessage {
  const attachments = m.media.map((media) => `[attachment ${media.contentType}: ${media.url}]`);
  return { id: m.id, text: [m.body, ...attachments].filter((part) => part.trim() !== "").join("\n") };
}
