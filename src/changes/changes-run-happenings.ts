// What changes/ does when a run says what happened (runs/run-happenings.ts): a change a run made is
// recorded (the line after the reply, /diff, /undo); an undo's note the agent answered is told.
// Joined in agent/run-happenings.ts.
import type { RunHappeningHandler } from "../runs/run-happenings";
import type { Changes } from "./run-changes";

export function changesRunHappenings(changes: Pick<Changes, "record" | "told">) {
  return {
    change_made: (e) => changes.record(e.run, e.change, e.now),
    undo_note_told: (e) => changes.told(e.conversationId),
  } satisfies RunHappeningHandler;
}
