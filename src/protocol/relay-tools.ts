// The tools the relay offers the agent (scheduled tasks), shared by both sides: the VM lists
// them to Claude Code through its MCP server and forwards calls as `tool_call` events; the
// relay validates the arguments with the same rules as the /schedule commands.
export type RelayToolDefinition = {
  name: string;
  description: string;
  inputSchema: { type: "object"; properties: Record<string, unknown>; required?: string[] };
};

const id = { type: "integer", minimum: 1, description: "The task id, as schedule_list shows it." };

export const RELAY_TOOLS: readonly RelayToolDefinition[] = [
  {
    name: "schedule_create",
    description:
      "Create a scheduled task for the user: the prompt runs as an agent turn at the scheduled times and the result is sent to them on WhatsApp. kind=cron uses a 5-field cron expression in the user's time zone; kind=every an interval like 30m, 2h, 1d; kind=at one time like 'tomorrow 9:00' or '2026-12-01 09:00'. context=fresh (default) runs each time in a fresh session; context=chat runs in the user's conversation.",
    inputSchema: {
      type: "object",
      properties: {
        kind: { type: "string", enum: ["cron", "every", "at"] },
        expr: { type: "string", description: "kind=cron: e.g. '0 9 * * 1-5'" },
        every: { type: "string", description: "kind=every: e.g. '2h'" },
        at: { type: "string", description: "kind=at: e.g. 'tomorrow 9:00'" },
        prompt: { type: "string", description: "What the agent should do each time." },
        context: { type: "string", enum: ["fresh", "chat"] },
      },
      required: ["kind", "prompt"],
    },
  },
  { name: "schedule_list", description: "List the user's scheduled tasks with their next runs.", inputSchema: { type: "object", properties: {} } },
  { name: "schedule_pause", description: "Pause a scheduled task.", inputSchema: { type: "object", properties: { id }, required: ["id"] } },
  { name: "schedule_resume", description: "Resume a paused task.", inputSchema: { type: "object", properties: { id }, required: ["id"] } },
  { name: "schedule_cancel", description: "Delete a scheduled task.", inputSchema: { type: "object", properties: { id }, required: ["id"] } },
  {
    name: "set_time_zone",
    description: "Set the user's IANA time zone (e.g. Europe/London), used for cron tasks and times.",
    inputSchema: { type: "object", properties: { timeZone: { type: "string" } }, required: ["timeZone"] },
  },
];

export const RELAY_TOOL_NAMES = RELAY_TOOLS.map((t) => t.name);
