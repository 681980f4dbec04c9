// /trigger add, /trigger remove, /triggers: answered inside the command's transaction from the
// user's own triggers table; the directory (the token's hash, id → object) is written after.
import { NO_CURRENT_CONVERSATION } from "../conversations/conversations-replies";
import { noSuchTrigger, TOO_MANY_TRIGGERS, triggerListReply, triggerNameTaken, triggerRemovedReply } from "./triggers-replies";
import { MAX_TRIGGERS } from "./triggers";
import type { TriggersRepo } from "./triggers-repo";
import type { Conversations } from "../conversations/conversations-unit";
import type { Reply } from "../messages/inbound-message";

/** After the command's transaction (joined in agent/vm-action.ts): /trigger add's token made and its hash registered in the directory; /trigger remove's unregistered. */
export type TriggerAction = { kind: "trigger_register"; triggerId: string; name: string; conversation: string } | { kind: "trigger_unregister"; triggerId: string };

export type TriggerCommandDeps = { triggers: TriggersRepo; conversations: Conversations };

/** 128 random bits as 32 hex digits: the trigger's id, its URL's last part. */
function newTriggerId(): string {
  return [...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** Keeps the trigger in the current conversation; its token is made, and shown, once the directory has its hash. */
export function addTrigger(d: TriggerCommandDeps, name: string, prompt: string, now: number): Reply<TriggerAction> {
  const current = d.conversations.current();
  if (!current) return { text: NO_CURRENT_CONVERSATION, after: null };
  if (d.triggers.byName(name)) return { text: triggerNameTaken(name), after: null };
  if (d.triggers.count() >= MAX_TRIGGERS) return { text: TOO_MANY_TRIGGERS, after: null };
  const id = newTriggerId();
  d.triggers.add({ id, name, conversationId: current.id, prompt, now });
  return { text: "", after: { kind: "trigger_register", triggerId: id, name, conversation: current.name } };
}

/** Ends a trigger at once (a firing finds no row here and is refused); the directory forgets it after. */
export function removeTrigger(d: TriggerCommandDeps, name: string): Reply<TriggerAction> {
  const trigger = d.triggers.byName(name);
  if (!trigger) return { text: noSuchTrigger(name), after: null };
  d.triggers.remove(trigger.id);
  return { text: triggerRemovedReply(name), after: { kind: "trigger_unregister", triggerId: trigger.id } };
}

export function listTriggers(d: TriggerCommandDeps, now: number): string {
  const list = d.triggers.list().map((t) => ({ name: t.name, conversation: d.conversations.repo.get(t.conversationId)?.name ?? null, lastFiredAt: t.lastFiredAt, fireCount: t.fireCount, door: t.door }));
  return triggerListReply(list, now);
}
