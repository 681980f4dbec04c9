// Where a WhatsApp message goes: one of the relay's commands, or text for the agent, in the
// current conversation or the one it names (`@api fix the test`), as a Claude Code slash
// command (`/compact`, or `//status` to send a word the relay owns) or as plain text. Here, with
// the commands' parser it is built on (moved up from messages/, which only names the routes'
// kinds in an inbound message's outcome).
import { isConversationName } from "../conversations/command-conversation";
import { parseCommand, type ParsedCommand } from "../commands/commands";

export type InboundRoute =
  | { kind: "command"; command: ParsedCommand }
  /**
   * `text` is what the agent gets. `slash`: a Claude Code command, which starts a run of its own
   * (never joins a batch or a live turn). `conversation`: the name after @, or null for the current.
   */
  | { kind: "agent"; text: string; slash: boolean; conversation: string | null; plan?: boolean };

const SLASH_WORD = /^\/[A-Za-z][\w:-]*(?=\s|$)/;
const AT_NAME = /^@([^\s@]+)(?:\s+([\s\S]*))?$/;

function toAgent(text: string, conversation: string | null): InboundRoute {
  // `//word …` is `/word …` for the agent, even when the relay owns the word.
  if (text.startsWith("//") && SLASH_WORD.test(text.slice(1))) return { kind: "agent", text: text.slice(1), slash: true, conversation };
  return { kind: "agent", text, slash: SLASH_WORD.test(text), conversation };
}

export function routeInbound(body: string): InboundRoute {
  const text = body.trim();
  const at = AT_NAME.exec(text);
  if (at && isConversationName(at[1] ?? "")) {
    const rest = (at[2] ?? "").trim();
    if (rest === "") return { kind: "command", command: { type: "invalid", reason: `Write the message after @${at[1]}, e.g. @${at[1]} run the tests.` } };
    return toAgent(rest, at[1] ?? null);
  }
  if (!text.startsWith("//")) {
    const command = parseCommand(text);
    // `/plan <task>`: the task goes to the agent, planned first.
    if (command?.type === "plan" && command.action === "prompt") return { kind: "agent", text: command.prompt, slash: false, conversation: null, plan: true };
    if (command) return { kind: "command", command };
  }
  // Plain text goes to the agent exactly as typed.
  const route = toAgent(text, null);
  return route.kind === "agent" && !text.startsWith("//") ? { ...route, text: body } : route;
}
