// What /trigger add and /trigger remove do after the command's transaction: the token made and
// its hash registered in the directory (then, only then, the URL and token shown, once), or the
// directory told a trigger ended.
import { outboxKeys } from "../../core/outbox-keys";
import { TRIGGER_NOT_MADE, triggerMadeReply } from "../../core/replies/triggers";
import { newTriggerToken, sha256Hex } from "../../core/triggers";
import { publicOriginOf } from "../db/settings-repo";
import { createTriggersRepo } from "../db/triggers-repo";
import { directoryOf } from "../user-directory";
import type { AfterCommandDeps } from "./after-command";

export async function registerTrigger(d: AfterCommandDeps, t: { triggerId: string; name: string; conversation: string }, messageId: string): Promise<void> {
  const token = newTriggerToken();
  const say = (body: string) => d.outboxRepo.add({ dedupeKey: outboxKeys.command(messageId), body, now: d.clock() });
  try {
    await directoryOf(d.env).addTrigger({ id: t.triggerId, home: d.phone, name: t.name, tokenSha256: await sha256Hex(token) });
  } catch (error) {
    d.log("trigger_register_failed", { triggerId: t.triggerId, detail: error instanceof Error ? error.message : String(error) });
    d.sql.transaction(() => {
      createTriggersRepo(d.sql).remove(t.triggerId);
      say(TRIGGER_NOT_MADE);
    });
    return;
  }
  const origin = publicOriginOf(d.settings, d.config) ?? "";
  say(triggerMadeReply({ name: t.name, conversation: t.conversation, url: `${origin.replace(/\/+$/, "")}/triggers/${t.triggerId}`, token }));
}

export async function unregisterTrigger(d: AfterCommandDeps, triggerId: string): Promise<void> {
  // The object's row is gone already, so a firing is refused whatever happens here; a stale
  // directory row only sends a caller to an object that refuses it.
  await directoryOf(d.env)
    .removeTrigger(triggerId, d.phone)
    .catch((error: unknown) => d.log("trigger_unregister_failed", { triggerId, detail: error instanceof Error ? error.message : String(error) }));
}
