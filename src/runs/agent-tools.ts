// The relay's tools the agent calls during a run, by name: send_file joins the outbox (when files
// can be sent from here); every other name is a schedule tool (schedules/schedule-service.ts), and a
// task made by a run of an event keeps that event as its origin.
import { SEND_FILE_TOOL } from "../protocol/relay-tools";
import { runRelayTool, type ScheduleServiceDeps } from "../schedules/schedule-service";
import type { Outbox, OutboxFiles } from "../outbox/outbox-unit";
import type { ToolRunner } from "./run-effects";
import { queueAgentFile } from "./agent-files";

/** `files`: how the outbox has the agent's files; null when none can be sent from here. `tagOf`: a file's `[name] ` (conversations' prefixFor). */
export function createToolRunner(o: { outbox: Pick<Outbox, "add">; files: OutboxFiles | null; schedules: ScheduleServiceDeps; tagOf?: (conversationId: number) => string }): ToolRunner {
  return (name, args, conversationId, now, call) =>
    name === SEND_FILE_TOOL ? queueAgentFile(o.outbox, o.files !== null, args, call, now, o.tagOf?.(conversationId) ?? "") : runRelayTool(o.schedules, name, args, conversationId, now, call.origin);
}
