// The agent's `send_shot`: a picture of its conversation's preview, drawn by the VM. The MCP route
// stages it as a file of the run and sends the relay a `send_file` call, so it reaches the user as
// send_file's files do on either app.
import { SendShotArgsSchema } from "../../../src/protocol/relay-tools";
import { SHOT_WIDTHS } from "../../../src/protocol/vm/shot";
import type { ToolAnswer } from "../core/relay-tool-wire";
import type { PreviewPlace } from "../preview/preview-servers";
import type { Shooter } from "./shooter";
import { loopbackOfUid } from "../users/user-netns";

export type ShotToolDeps = {
  shooter: Shooter;
  /** The conversation's preview port (http/shot-routes.ts's choice), or null. */
  portOf: (place: PreviewPlace) => Promise<number | null>;
  placeOf: (userId: string, workspace: string) => PreviewPlace | null;
  conversationOf: (runId: string) => { userId: string; workspace: string } | null;
};

export type ShotTaken = { ok: true; png: Uint8Array; caption: string | undefined };

export function sendShotTool(d: ShotToolDeps): (runId: string, args: Record<string, unknown>) => Promise<ShotTaken | ToolAnswer> {
  return async (runId, args) => {
    const parsed = SendShotArgsSchema.safeParse(args);
    if (!parsed.success) return { ok: false, text: `The tool's arguments were not understood: ${parsed.error.issues.map((i) => `${i.path.join(".") || "args"}: ${i.message}`).join("; ")}` };
    const conversation = d.conversationOf(runId);
    const place = conversation && d.placeOf(conversation.userId, conversation.workspace);
    if (!place) return { ok: false, text: "This run's conversation could not be found; no picture was taken." };
    const port = await d.portOf(place);
    if (port === null) return { ok: false, text: "No preview server runs in this conversation: start it with preview_start first (several listening ports and none kept is ambiguous too)." };
    const width = parsed.data.wide ? SHOT_WIDTHS.wide : SHOT_WIDTHS.phone;
    try {
      return { ok: true, png: await d.shooter.shoot(port, parsed.data.path ?? "/", width, loopbackOfUid(place.ids?.uid)), caption: parsed.data.caption };
    } catch (error) {
      return { ok: false, text: `The picture could not be taken: ${(error instanceof Error ? error.message : String(error)).split("\n")[0]}` };
    }
  };
}
