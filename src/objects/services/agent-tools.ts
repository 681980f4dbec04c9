// The relay's tools the agent calls during a run, by name: send_file joins the outbox (when files
// can be sent from here); every other name is a schedule tool (commands/schedule-service.ts).
import { SEND_FILE_TOOL } from "../../protocol/relay-tools";
import { runRelayTool, type ScheduleServiceDeps } from "../commands/schedule-service";
import type { Outbox } from "../units/outbox";
import type { ToolRunner } from "../units/run-effects";
import { queueAgentFile } from "./agent-files";

export function createToolRunner(o: { outbox: Pick<Outbox, "add">; canSendFiles: boolean; schedules: ScheduleServiceDeps }): ToolRunner {
  return (name, args, conversationId, now, call) =>
    name === SEND_FILE_TOOL ? queueAgentFile(o.outbox, o.canSendFiles, args, call, now) : runRelayTool(o.schedules, name, args, conversationId, now);
}
