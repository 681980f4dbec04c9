// /shot carried out after the webhook's answer: the conversation's remembered preview server
// started again when it had ended, the VM asked for a picture of it, the PNG stored and sent
// through the media path as /diff's picture is; or one line saying why not.
import type { ChangeActionDeps } from "../changes/change-actions";
import { storePicture } from "../changes/change-actions";
import type { SettingsRepo } from "../config/settings-repo";
import { previewStateStarting } from "./preview-actions";

export type ShotAction = { kind: "shot"; conversationId: number; workspace: string; conversation: string; path: string; wide: boolean };

export type ShotDeps = Pick<ChangeActionDeps, "vm" | "phone" | "bucket" | "config" | "outbox" | "log" | "clock"> & { env: Env; settings: SettingsRepo };

const shotCaption = (a: ShotAction) => `${a.conversation}'s preview, ${a.path} at ${a.wide ? "1280" : "390"} px`;
export const SHOT_NO_STORAGE = "Pictures need media storage (MEDIA and MEDIA_SIGNING_KEY), which is not set up: /preview still gives a link.";
export const shotVmFailed = (a: ShotAction, why: string) => `I could not take a picture of ${a.conversation}'s preview (${why}). Try /shot again in a minute, or open /preview.`;
export const shotNoPreview = (a: ShotAction) => `${a.conversation} serves nothing to take a picture of: ask the agent to serve the app, or start it with /preview.`;

export async function sendShot(d: ShotDeps, action: ShotAction, dedupeKey: string): Promise<void> {
  const say = (body: string) => void d.outbox.add({ dedupeKey, body, now: d.clock() });
  if (!d.bucket) return say(SHOT_NO_STORAGE);
  if (!d.vm) return say(shotVmFailed(action, "no agent VM"));
  // A kept server that ended (the VM's idle time, a suspension) comes back first, as for /preview.
  await previewStateStarting({ ...d, vm: d.vm }, action.conversationId, action.workspace);
  const drawn = await d.vm.shot({ userId: d.phone, workspace: action.workspace, path: action.path, wide: action.wide });
  if (!drawn.ok) {
    if ("noPreview" in drawn) return say(shotNoPreview(action));
    d.log("shot_failed", { detail: drawn.detail });
    return say(shotVmFailed(action, "the agent VM did not draw it"));
  }
  const stored = await storePicture(d, drawn.png, "shot");
  if (!stored.ok) return say(SHOT_NO_STORAGE);
  d.outbox.add({ dedupeKey, body: shotCaption(action), media: stored.media, now: d.clock() });
}
