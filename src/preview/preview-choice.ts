// Which port a /preview link is for, from what the VM says the conversation's processes listen on:
// the one the user named, the kept server's, the one server the run started, or a question.
// And the words of every answer. Pure.
import type { PreviewState } from "../protocol/vm/preview";

export type PreviewChoice =
  | { kind: "port"; port: number }
  /** Several listen and none was named or kept: which one. */
  | { kind: "ask"; ports: number[] }
  /** Nothing of the conversation listens (on `port`, when one was named). */
  | { kind: "none"; port: number | null };

export function choosePreviewPort(state: PreviewState, asked: number | null): PreviewChoice {
  if (asked !== null) return state.ports.includes(asked) ? { kind: "port", port: asked } : { kind: "none", port: asked };
  if (state.kept && state.ports.includes(state.kept.port)) return { kind: "port", port: state.kept.port };
  if (state.ports.length === 1) return { kind: "port", port: state.ports[0]! };
  return state.ports.length === 0 ? { kind: "none", port: null } : { kind: "ask", ports: state.ports };
}

export function previewLinkReply(conversation: string, port: number, url: string, ttlHours: number): string {
  const hours = Number.isInteger(ttlHours) ? `${ttlHours} h` : `${Math.round(ttlHours * 60)} min`;
  return `The app of ${conversation} (port ${port}), for you only, for ${hours}:\n${url}\n/preview off ends it.`;
}

export function previewChoiceReply(conversation: string, choice: Exclude<PreviewChoice, { kind: "port" }>): string {
  if (choice.kind === "ask") return `Several servers of ${conversation} are listening: ${choice.ports.join(", ")}. Which one? For example /preview ${choice.ports[0]}.`;
  if (choice.port !== null) return `Nothing of ${conversation} listens on port ${choice.port}. Ask the agent to serve it (for example "serve this folder"), then /preview again.`;
  return `Nothing of ${conversation} is serving an app yet. Ask the agent to serve it (for example "serve this folder"), then /preview again.`;
}

export const PREVIEW_UNAVAILABLE = "Preview links need PUBLIC_URL and a signing key (MEDIA_SIGNING_KEY), and an agent VM: one of them is not set up.";

/** `/preview run <command>` whose server did not come up: what the VM said, and that nothing is kept. */
export const previewStartFailed = (conversation: string, command: string, problem: string) =>
  `I could not start “${command.length > 60 ? `${command.slice(0, 59)}…` : command}” for ${conversation}: ${problem}. No server is kept for its preview now; fix the command and send /preview run again.`;

export const previewVmFailed = (conversation: string) => `I could not reach the agent VM to see what ${conversation} serves. Try /preview again in a minute.`;

export const previewOffReply = (conversation: string, vmOk: boolean) =>
  `The preview of ${conversation} is ended: its links no longer open${vmOk ? " and its server is stopped" : "; the VM did not answer, so its server stops when the conversation goes idle"}.`;

/** A kept server's command as /status and the page show it: a one-line server can be 1,000 characters long. */
export const clipPreviewCommand = (command: string) => (command.length > 60 ? `${command.slice(0, 59)}…` : command);

/** /status's lines for the preview servers the relay last saw kept (the VM may have ended one since: the next /preview starts it again). */
export function previewStatusLines(servers: readonly { conversation: string; command: string; port: number }[]): string {
  return servers.map((s) => `\nPreview server of ${s.conversation}: port ${s.port} (${clipPreviewCommand(s.command)}); /preview for its link, /preview off ends it.`).join("");
}
