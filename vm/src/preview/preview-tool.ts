// The agent's `preview_start`: the conversation's preview server started and kept past the run,
// as the run's user in its workspace. A run of someone else's text (an event's) keeps nothing:
// its servers end with it, and the user can still preview them while it runs.
import { PreviewStartArgsSchema } from "../../../src/protocol/relay-tools";
import type { PreviewPlace, PreviewServers } from "./preview-servers";

type ToolAnswer = { ok: boolean; text: string };

export type PreviewToolDeps = {
  servers: PreviewServers;
  placeOf: (userId: string, workspace: string) => PreviewPlace | null;
  now: () => number;
  conversationOf: (runId: string) => { userId: string; workspace: string } | null;
  untrusted: (runId: string) => boolean;
};

export function previewStartTool(d: PreviewToolDeps): (runId: string, args: Record<string, unknown>) => Promise<ToolAnswer> {
  return async (runId, args) => {
    const parsed = PreviewStartArgsSchema.safeParse(args);
    if (!parsed.success) return { ok: false, text: `The tool's arguments were not understood: ${parsed.error.issues.map((i) => i.message).join("; ")}` };
    if (d.untrusted(runId)) return { ok: false, text: "A run started by someone else's event cannot keep a server running after it; serve it for this run only, and the user can open it with /preview while the run lasts." };
    const conversation = d.conversationOf(runId);
    const place = conversation && d.placeOf(conversation.userId, conversation.workspace);
    if (!place) return { ok: false, text: "This run's conversation could not be found; nothing was started." };
    const started = await d.servers.start(place, parsed.data.command, parsed.data.port ?? null, d.now());
    if (!started.ok) return { ok: false, text: `The preview server did not come up: ${started.message}.` };
    return { ok: true, text: `The preview server listens on port ${started.preview.port} and is kept after this turn. Tell the user to send /preview for a private link to it.` };
  };
}
