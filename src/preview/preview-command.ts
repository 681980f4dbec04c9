// `/preview [port]`, `/preview [port] run <command>` and `/preview off`, parsed: a port is a whole
// number from 1024 to 65535 (what the VM's proxy may carry: never a privileged port); a command is
// one line of at most 1,000 characters, kept as typed (PreviewStartRequestSchema's bounds), which
// the VM starts as the user's uid in the conversation's workspace and keeps as the agent's are kept.

export type PreviewCommand = { type: "preview"; action: "link"; port: number | null; command: string | null } | { type: "preview"; action: "off" };

export const PREVIEW_USAGE =
  "/preview gives a private link to the app the agent serves here; /preview 5173 names its port; /preview run npm run dev starts that server and keeps it for this conversation; /preview off ends it.";

const MAX_COMMAND = 1000;

/** The command, or the one line that explains what was wrong. */
export function parsePreviewArgs(args: string): PreviewCommand | { type: "invalid"; reason: string } {
  const text = args.trim();
  const word = text.toLowerCase();
  if (word === "") return { type: "preview", action: "link", port: null, command: null };
  if (word === "off") return { type: "preview", action: "off" };
  const run = /^(?:(\d{1,5})\s+)?run(?:\s+([\s\S]*))?$/i.exec(text);
  const portText = run ? run[1] : /^\d{1,5}$/.test(word) ? word : "x";
  const port = portText === undefined ? null : /^\d{1,5}$/.test(portText) ? Number(portText) : NaN;
  if (port !== null && !(port >= 1024 && port <= 65535)) return { type: "invalid", reason: `/preview takes a port (1024-65535) or off, or run and a command. ${PREVIEW_USAGE}` };
  if (!run) return { type: "preview", action: "link", port, command: null };
  const command = (run[2] ?? "").trim();
  if (command === "") return { type: "invalid", reason: `/preview run needs the command that serves the app, e.g. /preview run npm run dev.` };
  if (/[\r\n\0]/.test(command)) return { type: "invalid", reason: "/preview run takes one line: the command that serves the app, with no line breaks." };
  if (command.length > MAX_COMMAND) return { type: "invalid", reason: `/preview run takes a command of at most ${MAX_COMMAND} characters; this one has ${command.length}.` };
  return { type: "preview", action: "link", port, command };
}
