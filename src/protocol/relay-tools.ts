// The tools the relay offers the agent (scheduled tasks, and sending a file), shared by both sides:
// the VM lists them to Claude Code through its MCP server and forwards calls as `tool_call` events;
// the relay validates the arguments with the same rules as the /schedule commands. `send_file` is
// checked and staged by the VM first: the relay gets `SendFileCallArgsSchema` (vm/files.ts).
import * as z from "zod/mini";
import { MAX_CAPTION_CHARS } from "./vm/files";
import { ShotPathSchema } from "./vm/shot";

export type RelayToolDefinition = {
  name: string;
  description: string;
  inputSchema: { type: "object"; properties: Record<string, unknown>; required?: string[] };
};

const id = { type: "integer", minimum: 1, description: "The task id, as schedule_list shows it." };

/** Sends a file of the project on WhatsApp: staged by the VM, fetched and sent by the relay. */
export const SEND_FILE_TOOL = "send_file";

/** The agent's own arguments to `send_file`, as the VM checks them. */
export const SendFileArgsSchema = z.object({
  path: z.string().check(z.minLength(1), z.maxLength(4096)),
  caption: z.optional(z.string().check(z.maxLength(MAX_CAPTION_CHARS))),
});

/** Starts the conversation's preview server, kept after the run: handled by the VM itself (vm/src/preview/). */
export const PREVIEW_START_TOOL = "preview_start";

export const PreviewStartArgsSchema = z.object({
  command: z.string().check(z.minLength(1), z.maxLength(1000), z.regex(/^[^\x00\n\r]+$/, "one line")),
  port: z.optional(z.number().check(z.int(), z.gte(1024), z.lte(65535))),
});

/** Sends the user a picture of the conversation's preview: drawn and staged by the VM (vm/src/shots/), sent as send_file's. */
export const SEND_SHOT_TOOL = "send_shot";

export const SendShotArgsSchema = z.object({
  path: z.optional(ShotPathSchema),
  wide: z.optional(z.boolean()),
  caption: z.optional(z.string().check(z.maxLength(MAX_CAPTION_CHARS))),
});

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
  {
    name: SEND_FILE_TOOL,
    description:
      "Send the user a file from the project, in the chat they wrote from. The rules are WhatsApp's, the strictest of the apps a user may write from, so a file that passes reaches any of them: images as JPEG or PNG up to 5 MB (shown inline); " +
      "PDF (shown inline), DOC, DOCX, XLSX and PPTX documents, MP3, M4A, AAC, AMR and OGG/Opus audio, MP4 (H.264) or 3GP video, and vCards, each up to 16 MB. " +
      "No plain text, archives, GIF or WebP: put text in your reply, convert the rest. The type is read from the file's bytes; the tool says why it refused.",
    inputSchema: {
      type: "object",
      properties: {
        path: { type: "string", description: "The file, relative to the project directory (or an absolute path inside it)." },
        caption: { type: "string", maxLength: MAX_CAPTION_CHARS, description: "Optional text sent with the file." },
      },
      required: ["path"],
    },
  },
  {
    name: PREVIEW_START_TOOL,
    description:
      "Start the web server that shows the user the app you built in this project, kept running after your turn so the user can open it on their phone with /preview (a private link through the relay). " +
      "One line of shell run in the project's folder, e.g. 'npx --yes http-server -p 8000 .' or 'npm run dev -- --port 5173'; give the port it listens on (1024-65535; it is also in $PORT), or none to take the first port it opens. " +
      "It replaces the conversation's previous preview server. Do not start such servers in the background with Bash: they end with your turn.",
    inputSchema: {
      type: "object",
      properties: { command: { type: "string" }, port: { type: "integer", minimum: 1024, maximum: 65535 } },
      required: ["command"],
    },
  },
  {
    name: SEND_SHOT_TOOL,
    description:
      "Send the user a picture of the app this conversation's preview server serves (the one preview_start started, or the one port your processes listen on), as their phone shows it (390 px wide) or, with wide, at 1280 px: for example after you changed a page. " +
      "path is a path on that server such as /pricing (never a web address); the whole page is drawn, cut at 10,000 px.",
    inputSchema: {
      type: "object",
      properties: {
        path: { type: "string", description: "The page's path on the preview server, starting with /; default /." },
        wide: { type: "boolean", description: "true: a laptop's width (1280 px) instead of a phone's (390 px)." },
        caption: { type: "string", maxLength: MAX_CAPTION_CHARS, description: "Optional text sent with the picture." },
      },
    },
  },
];

export const RELAY_TOOL_NAMES = RELAY_TOOLS.map((t) => t.name);

/** The relay tools that only read: a run of someone else's text may call them unasked; every other one changes the user's tasks, zone or chat, and is asked. */
export const READ_ONLY_RELAY_TOOLS: readonly string[] = ["schedule_list"];
