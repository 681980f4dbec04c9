// A slot: a user key made ahead (a random one, in the keys' own shape), with its uid, HOME and
// workspace, so a spare CLI can wait there for a user the VM has never served. A new user's first
// run binds their own key to it: from then on everything of theirs on DATA_DIR is named by the
// slot's key (users/<slot>, its uid, its sessions), as if it had been theirs from the start. One
// slot, one user, for good; the next slot is a new key. Users bound before, and every user who
// existed before slots, keep their own key: nobody's paths move. Pure: the record and its changes.
import * as z from "zod";
import { RunOptionsSchema, type RunOptions } from "../../../src/protocol/vm/runs";
import { optionsFingerprint } from "./cli-command";
import { UserKeySchema } from "./user-keys";

/** `DATA_DIR/.user-slots.json` (the server's, 600). */
export const UserSlotsSchema = z.object({
  version: z.literal(1),
  /** A user's own key → the slot key that names everything of theirs. */
  bound: z.record(UserKeySchema, UserKeySchema),
  /** The slot made for the next new user, none bound to it yet. */
  ready: z.nullable(UserKeySchema),
  /** The options of the last new user's first run (the relay's defaults): what the slot's spare starts with. */
  template: z.nullable(RunOptionsSchema),
});
export type UserSlots = z.infer<typeof UserSlotsSchema>;

export const NO_SLOTS: UserSlots = { version: 1, bound: {}, ready: null, template: null };

/** The key that names a user's things: the slot bound to their own key, else their own key. */
export function keyThrough(slots: UserSlots, ownKey: string): string {
  return slots.bound[ownKey] ?? ownKey;
}

/**
 * At a user's run: the record with their key bound to the ready slot, or null when nothing
 * changes. Only a user the VM has never served: not bound already, no tree of their own key
 * (`ownTreeExists`: a user from before slots, or one who made a workspace before any run), and
 * never to a slot that is not the ready one (bound already to someone, or the own key of another).
 */
export function bindToReady(slots: UserSlots, ownKey: string, ownTreeExists: boolean): UserSlots | null {
  if (slots.ready === null || ownKey in slots.bound || ownTreeExists || ownKey === slots.ready) return null;
  if (Object.values(slots.bound).includes(slots.ready)) return null;
  return { ...slots, bound: { ...slots.bound, [ownKey]: slots.ready }, ready: null };
}

/** Whom the VM has served: nobody yet (a fresh VM, a new per-user Machine), one user, or several (a shared VM). */
export type Served = "nobody" | "one" | "several";

/**
 * At the run of a user new to the VM (no tree of their own, not bound): the record after it, and
 * whether they took the ready slot; null when nothing changes. On a VM that serves several users,
 * any new user takes it (bindToReady), whatever their options. On one that has served nobody, whose
 * slot was made at boot only in case a new user comes, only a user whose run the slot's spare can
 * take (the slot's options): any other keeps their own key, as on a VM before slots, and their
 * options replace the slot's (the relay's defaults), so a first run's options set the next slot's.
 * On a VM that has served one user (perhaps their own Machine): nothing.
 */
export function atFirstRun(slots: UserSlots, served: Served, ownKey: string, ownTreeExists: boolean, options: RunOptions): { slots: UserSlots; bound: boolean } | null {
  const template = templateOf(options);
  const fits = template !== null && slots.template !== null && optionsFingerprint(template) === optionsFingerprint(slots.template);
  const bound = served === "several" || (served === "nobody" && fits) ? bindToReady(slots, ownKey, ownTreeExists) : null;
  if (bound) return { slots: { ...bound, template: template ?? bound.template }, bound: true };
  if (served !== "nobody" || ownTreeExists || template === null || fits) return null;
  return { slots: { ...slots, template }, bound: false };
}

/** The options a slot's spare starts with, from a run's: never a fork's, someone else's text's, a plan's; never its keep-warm time. */
export function templateOf(options: RunOptions): RunOptions | null {
  if (options.forkSession === true || options.approvals?.untrusted === true || options.permissionMode === "plan") return null;
  const { forkSession: _fork, keepWarmMs: _keep, ...template } = options;
  return template;
}
