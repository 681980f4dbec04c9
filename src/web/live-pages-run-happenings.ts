// What the pages watching runs live (live-pages.ts) do when a run says what happened
// (runs/run-happenings.ts): a started run shows from here, each applied step of its stream is one
// row, and a run ended at the relay shows its end. Joined in agent/run-happenings.ts.
import type { RunHappeningHandler } from "../runs/run-happenings";
import type { LivePages } from "./live-pages";

export function livePagesRunHappenings(pages: Pick<LivePages, "started" | "record" | "publish">) {
  return {
    run_started: (e) => pages.started(e.run, e.at),
    run_events_applied: (e) => pages.record(e.run, e.events, e.at),
    run_stopped: (e) => void pages.publish(e.conversationId, e.runId, { kind: "failed", text: e.text }, e.at),
  } satisfies RunHappeningHandler;
}
