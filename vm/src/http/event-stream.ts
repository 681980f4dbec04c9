// An NDJSON event stream of one run: the stored events after `after`, then live ones as they
// happen, a heartbeat line on a timer, and the end right after the terminal event.
import { EVENT_STREAM_CONTENT_TYPE } from "../../../src/protocol/vm/routes";
import { isTerminal, type VmRunEvent } from "../../../src/protocol/vm/runs";
import type { RunView } from "../core/run-handle";

export type StreamHooks = {
  heartbeatMs: number;
  /** The stream opened and closed: the idle monitor counts open streams as activity. */
  onOpen(): void;
  onClose(): void;
  onDelivered?(runId: string, event: VmRunEvent): void;
  /** A reader of `run` came, and went: `byReader` when it cancelled the stream before the run's end (runs/reader-watch.ts). */
  onAttached?(run: RunView): void;
  onDetached?(run: RunView, byReader: boolean): void;
};

const encoder = new TextEncoder();

export function eventStreamResponse(run: RunView, after: number, hooks: StreamHooks): Response {
  let cleanup = (_byReader: boolean) => {};
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      hooks.onOpen();
      hooks.onAttached?.(run);
      let closed = false;
      let heartbeat: ReturnType<typeof setInterval> | undefined;
      let unsubscribe = () => {};
      cleanup = (byReader) => {
        if (closed) return;
        closed = true;
        clearInterval(heartbeat);
        unsubscribe();
        hooks.onClose();
        hooks.onDetached?.(run, byReader);
      };
      const send = (line: object) => controller.enqueue(encoder.encode(`${JSON.stringify(line)}\n`));
      const deliver = (event: VmRunEvent) => {
        if (closed) return;
        send(event);
        hooks.onDelivered?.(run.id, event);
        if (isTerminal(event)) {
          cleanup(false);
          controller.close();
        }
      };
      // Stored events and the subscription are taken in the same tick: none is missed or doubled.
      const backlog = run.eventsAfter(after);
      if (!run.isFinished()) unsubscribe = run.subscribe(deliver);
      for (const event of backlog) deliver(event);
      if (closed) return;
      if (run.isFinished()) {
        // Already finished and nothing after `after`: an empty stream that ends at once.
        cleanup(false);
        controller.close();
        return;
      }
      if (hooks.heartbeatMs > 0) heartbeat = setInterval(() => send({ type: "heartbeat", at: Date.now() }), hooks.heartbeatMs);
    },
    cancel() {
      cleanup(true);
    },
  });
  return new Response(body, {
    headers: { "content-type": EVENT_STREAM_CONTENT_TYPE, "cache-control": "no-store", "x-accel-buffering": "no" },
  });
}
