// `/preview [port]` and `/preview off`, parsed: a port is a whole number from 1024 to 65535 (what
// the VM's proxy may carry: never a privileged port).

export type PreviewCommand = { type: "preview"; action: "link"; port: number | null } | { type: "preview"; action: "off" };

export const PREVIEW_USAGE = "/preview gives a private link to the app the agent serves here; /preview 5173 names its port; /preview off ends it.";

/** The command, or the one line that explains what was wrong. */
export function parsePreviewArgs(args: string): PreviewCommand | { type: "invalid"; reason: string } {
  const word = args.trim().toLowerCase();
  if (word === "") return { type: "preview", action: "link", port: null };
  if (word === "off") return { type: "preview", action: "off" };
  const port = /^\d{1,5}$/.test(word) ? Number(word) : NaN;
  if (port >= 1024 && port <= 65535) return { type: "preview", action: "link", port };
  return { type: "invalid", reason: `/preview takes a port (1024-65535) or off. ${PREVIEW_USAGE}` };
}
