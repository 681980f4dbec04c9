// What /trigger add and /trigger remove do after the command's transaction: the trigger's door made
// (triggers/door-keys.ts: its URL seals this object's name and the trigger's id, its token derives from
// them, so nothing is registered anywhere and nothing but this object's row can end it) and shown
// once; a trigger made before doors forgotten by the directory too.
import type { Config } from "../config/config";
import type { Clock } from "../shared/clock";
import type { Log } from "../shared/log";
import { outboxKeys } from "../outbox/outbox-keys";
import { TRIGGER_NOT_MADE, triggerMadeReply } from "./triggers-replies";
import { type DoorKeys, doorKeysFor, doorSecret, sealDoor } from "./door-keys";
import type { OutboxRepo } from "../outbox/outbox-repo";
import { publicOriginOf, type SettingsRepo } from "../config/settings-repo";
import type { Sql } from "../shared/sql";
import { createTriggersRepo } from "./triggers-repo";
import { directoryOf } from "../directory/user-directory";

/** What a trigger's making and ending need of the object (after-command.ts passes its own deps). */
export type TriggerActionDeps = {
  phone: string;
  env: Env;
  config: Config | null;
  sql: Sql;
  outboxRepo: Pick<OutboxRepo, "add">;
  settings: SettingsRepo;
  log: Log;
  clock: Clock;
};

/** A trigger's door: the sealed id its URL ends with, and the token that opens it. */
export async function triggerDoor(keys: DoorKeys, home: string, triggerId: string): Promise<{ door: string; token: string }> {
  const door = await sealDoor(keys, "trigger", { home, id: triggerId });
  return { door, token: await doorSecret(keys, "trigger", door) };
}

export async function registerTrigger(d: TriggerActionDeps, t: { triggerId: string; name: string; conversation: string }, messageId: string): Promise<void> {
  const say = (body: string) => d.outboxRepo.add({ dedupeKey: outboxKeys.command(messageId), body, now: d.clock() });
  const keys = d.config ? doorKeysFor(d.config) : null;
  if (!keys) {
    d.log("trigger_register_failed", { triggerId: t.triggerId, detail: "no door key" });
    d.sql.transaction(() => {
      createTriggersRepo(d.sql).remove(t.triggerId);
      say(TRIGGER_NOT_MADE);
    });
    return;
  }
  const { door, token } = await triggerDoor(await keys, d.phone, t.triggerId);
  const origin = publicOriginOf(d.settings, d.config) ?? "";
  say(triggerMadeReply({ name: t.name, conversation: t.conversation, url: `${origin.replace(/\/+$/, "")}/triggers/${door}`, token }));
}

export async function unregisterTrigger(d: TriggerActionDeps, triggerId: string): Promise<void> {
  // The object's row is gone already, so a firing is refused whatever happens here. Only a trigger
  // made before doors has a directory row (its token's hash); a newer one has none to remove.
  await directoryOf(d.env)
    .removeTrigger(triggerId, d.phone)
    .catch((error: unknown) => d.log("trigger_unregister_failed", { triggerId, detail: error instanceof Error ? error.message : String(error) }));
}
