// Everything outside the simulated object, behind its outbound `fetch`: Twilio's Messages API (each
// send's outcome drawn from the seed: accepted, refused with a 5xx, 429, or accepted and then the
// connection dropped before the relay read the 201) and the agent VM (its runs as event logs the
// scheduler advances one event at a time; a stream reads the log from `after`, as the real VM's).
// What the user's phone received is the record of accepted sends: the invariants read it.
import type { Random } from "./random";

export const SIM_TWILIO = "https://twilio.sim";
/** Every run changes one file: /undo always has something to ask about. */
const CHANGE = { files: [{ path: "notes.md", status: "modified", insertions: 1, deletions: 0 }], diff: "diff --git a/notes.md b/notes.md\n+a line\n", truncated: false };
export const SIM_VM = "https://vm.sim";

export type SendOutcome = "accepted" | "refused" | "rate_limited" | "dropped_after_accept";
export type Delivered = { sid: string; to: string; from: string; body: string; at: number };

type VmEvent = Record<string, unknown> & { type: string; seq: number };
export type SimVmRun = {
  id: string;
  turns: { ids: string[]; answered: boolean }[];
  events: VmEvent[];
  /** The session event went out. */
  sessionSent: boolean;
  /** Ending: the last answer and its end go out together; nothing more is taken. */
  ending: boolean;
  finished: boolean;
  streams: Set<ReadableStreamDefaultController<Uint8Array>>;
};

export type SimNetwork = ReturnType<typeof createSimNetwork>;

export function createSimNetwork(rng: Random, faults: { sendOutcomes: Record<SendOutcome, number> }, now: () => number) {
  const delivered: Delivered[] = [];
  const runs = new Map<string, SimVmRun>();
  let sids = 0;
  const encoder = new TextEncoder();

  const push = (run: SimVmRun, event: Omit<VmEvent, "seq">) => {
    const line = { ...event, seq: run.events.length + 1 } as VmEvent;
    run.events.push(line);
    if (line.type === "done" || line.type === "error") run.finished = true;
    for (const c of run.streams) c.enqueue(encoder.encode(`${JSON.stringify(line)}\n`));
  };

  const stream = (run: SimVmRun, after: number, signal: AbortSignal | null | undefined): Response => {
    let mine: ReadableStreamDefaultController<Uint8Array> | null = null;
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        mine = c;
        for (const e of run.events.slice(after)) c.enqueue(encoder.encode(`${JSON.stringify(e)}\n`));
        run.streams.add(c);
      },
      cancel() {
        if (mine) run.streams.delete(mine);
      },
    });
    signal?.addEventListener("abort", () => {
      if (!mine) return;
      run.streams.delete(mine);
      try {
        mine.close();
      } catch {
        // Closed already.
      }
    });
    return new Response(body, { status: 200, headers: { "content-type": "application/x-ndjson" } });
  };

  const json = (status: number, body: unknown, headers: Record<string, string> = {}) => new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });

  /**
   * Twilio's Messages list, as its docs give it: filtered by `To`, `From` and `DateSent>` (a GMT
   * day), newest first, `PageSize` a page with `next_page_uri` (a `PageToken`) to the next; dates in
   * RFC 2822. The simulated Twilio sends at once, so `date_sent` is its creation. A read can fail
   * as a create can (a 500), so the relay's lookup is tried again.
   */
  const list = (url: URL): Response => {
    if (rng.chance(faults.sendOutcomes.refused / 100)) return json(500, { code: 20500, message: "Internal Server Error" });
    const q = url.searchParams;
    const sentFrom = q.get("DateSent>");
    const since = sentFrom === null ? null : Date.parse(`${sentFrom}T00:00:00Z`);
    const size = Math.min(Number(q.get("PageSize") ?? 50) || 50, 1000);
    const offset = Number(q.get("PageToken") ?? 0) || 0;
    const matching = delivered
      .filter((m) => (q.get("To") === null || m.to === q.get("To")) && (q.get("From") === null || m.from === q.get("From")) && (since === null || m.at >= since))
      .reverse();
    const page = matching.slice(offset, offset + size);
    const next = offset + size < matching.length ? new URLSearchParams(q) : null;
    next?.set("PageToken", String(offset + size));
    return json(200, {
      messages: page.map((m) => ({ sid: m.sid, body: m.body, num_media: "0", status: "sent", direction: "outbound-api", date_created: new Date(m.at).toUTCString(), date_sent: new Date(m.at).toUTCString() })),
      next_page_uri: next ? `${url.pathname}?${next}` : null,
      page: offset / size,
      page_size: size,
    });
  };

  const twilio = (url: URL, form: URLSearchParams, method: string): Response => {
    if (url.pathname.endsWith("/Typing.json")) return json(200, { success: true });
    if (!url.pathname.endsWith("/Messages.json")) return json(404, { code: 20404, message: "not found" });
    if (method === "GET") return list(url);
    const outcome = rng.weighted(faults.sendOutcomes);
    if (outcome === "refused") return json(500, { code: 20500, message: "Internal Server Error" });
    if (outcome === "rate_limited") return json(429, { code: 20429, message: "Too Many Requests" }, { "retry-after": "1" });
    const sid = `SM${String(++sids).padStart(32, "0")}`;
    delivered.push({ sid, to: form.get("To") ?? "", from: form.get("From") ?? "", body: form.get("Body") ?? "", at: now() });
    // Twilio has it (the user will get it); the relay never reads its 201.
    if (outcome === "dropped_after_accept") throw new TypeError("fetch failed: the connection dropped after Twilio accepted the message");
    return json(201, { sid, status: "queued" });
  };

  const vm = async (url: URL, init: RequestInit): Promise<Response> => {
    const path = url.pathname;
    if (path === "/health") return json(200, { ok: true });
    if (path === "/v1/runs" && init.method === "POST") {
      const request = JSON.parse(String(init.body)) as { runId: string; messages: { id: string }[] };
      let run = runs.get(request.runId);
      // Idempotent by runId, as the VM's: a repeated start streams the same run.
      if (!run) runs.set(request.runId, (run = { id: request.runId, turns: [{ ids: request.messages.map((m) => m.id), answered: false }], events: [], sessionSent: false, ending: false, finished: false, streams: new Set() }));
      return stream(run, 0, init.signal);
    }
    const match = /^\/v1\/runs\/([^/]+)\/(events|input|cancel|tool-result|approval)$/.exec(path);
    const run = match ? runs.get(decodeURIComponent(match[1]!)) : undefined;
    if (!match || !run) return json(404, { error: "unknown_run" });
    switch (match[2]) {
      case "events":
        return stream(run, Number(url.searchParams.get("after") ?? 0), init.signal);
      case "input": {
        // A run that is ending takes nothing more (vm/src/core/run-phase.ts): the relay starts another.
        if (run.ending || run.finished) return json(409, { error: "run_ending" });
        const request = JSON.parse(String(init.body)) as { messages: { id: string }[] };
        // As the VM's turn queue: a message it was given already (a repeated input) is not a turn again.
        const given = new Set(run.turns.flatMap((t) => t.ids));
        const ids = request.messages.map((m) => m.id).filter((id) => !given.has(id));
        if (ids.length > 0) run.turns.push({ ids, answered: false });
        return json(202, { accepted: true });
      }
      case "cancel":
        if (!run.finished) push(run, { type: "error", code: "cancelled", message: "cancelled by the relay" });
        return json(200, { ok: true });
      default:
        return json(200, { ok: true });
    }
  };

  return {
    delivered,
    runs,
    /** The object's outbound fetch. */
    async fetch(input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> {
      const url = new URL(input instanceof Request ? input.url : String(input));
      if (url.origin === SIM_TWILIO) return twilio(url, new URLSearchParams(String(init.body ?? "")), init.method ?? "GET");
      if (url.origin === SIM_VM) return vm(url, init);
      return json(404, { error: "no such host in the simulation" });
    },
    /** VM runs that still have an event to send. */
    liveRuns: (): SimVmRun[] => [...runs.values()].filter((r) => !r.finished),
    /**
     * The run's next event, as the real VM orders them: its session, then an answer per turn; the
     * last answer and the run's end together (vm/src/core/run-tracker.ts conclude()), or, when
     * `splitEnd`, the end as a line of its own a later step sends.
     */
    advance(run: SimVmRun, opts: { splitEnd: boolean; crash: boolean }): void {
      if (run.finished) return;
      if (!run.sessionSent) {
        run.sessionSent = true;
        return push(run, { type: "session", sessionId: `session-${run.id}` });
      }
      if (opts.crash) return push(run, { type: "error", code: "cli_crashed", message: "claude exited with code 1" });
      const turn = run.turns.find((t) => !t.answered);
      if (!turn) return push(run, { type: "done", change: CHANGE });
      turn.answered = true;
      push(run, { type: "result", messageIds: turn.ids, text: `echo: ${turn.ids.join(" ")}`, isError: false, subtype: "success", costUsd: 0, numTurns: 1, durationMs: 5, sessionId: `session-${run.id}` });
      if (run.turns.every((t) => t.answered)) {
        run.ending = true;
        if (!opts.splitEnd) push(run, { type: "done", change: CHANGE });
      }
    },
    /** Every stream of the VM cut at once (a network blip): the relay reconnects after its backoff. */
    cutStreams(): void {
      for (const run of runs.values()) {
        for (const c of run.streams) {
          try {
            c.error(new TypeError("network connection lost"));
          } catch {
            // Closed already.
          }
        }
        run.streams.clear();
      }
    },
  };
}
