// A slot made ahead is bound to one new user only, for good; nobody else's key ever moves.
import { describe, expect, it } from "vitest";
import { atFirstRun, bindToReady, keyThrough, NO_SLOTS, type Served, templateOf, type UserSlots } from "../../src/core/user-slots";

const k = (c: string) => c.repeat(64);
const [SLOT, NEW, OLD, OTHER] = [k("a"), k("b"), k("c"), k("d")];
const ready: UserSlots = { ...NO_SLOTS, ready: SLOT };

describe("bindToReady", () => {
  it.each<[string, UserSlots, string, boolean, UserSlots | null]>([
    ["a user new to the VM takes the ready slot", ready, NEW, false, { ...NO_SLOTS, bound: { [NEW]: SLOT }, ready: null }],
    ["no slot ready: nothing", NO_SLOTS, NEW, false, null],
    ["a user with a tree of their own (from before slots, or a workspace made first) keeps it", ready, OLD, true, null],
    ["a user bound already keeps their slot", { ...ready, bound: { [NEW]: OTHER } }, NEW, false, null],
    ["a slot bound to someone already is never bound again", { ...ready, bound: { [OTHER]: SLOT } }, NEW, false, null],
    ["a key that is the slot itself binds nothing", ready, SLOT, false, null],
  ])("%s", (_name, slots, key, ownTree, after) => {
    expect(bindToReady(slots, key, ownTree)).toEqual(after);
  });
});

describe("atFirstRun", () => {
  const defaults = { permissionMode: "bypassPermissions", scheduleTools: true, approvals: { mode: "edits", timeoutMs: 60_000 } } as const;
  const other = { permissionMode: "acceptEdits", scheduleTools: true } as const;
  const boot: UserSlots = { ...ready, template: defaults };
  it.each<[string, Served, object, { slots: UserSlots; bound: boolean } | null]>([
    ["served nobody, the slot's options: they take it", "nobody", { ...defaults, keepWarmMs: 1000 }, { slots: { ...boot, bound: { [NEW]: SLOT }, ready: null }, bound: true }],
    ["served nobody, other options: their own key, their options the slot's", "nobody", other, { slots: { ...boot, template: other }, bound: false }],
    ["served nobody, a fork: nothing (no template of it)", "nobody", { ...other, forkSession: true }, null],
    ["served several, other options: they take it, their options the slot's", "several", other, { slots: { ...boot, bound: { [NEW]: SLOT }, ready: null, template: other }, bound: true }],
    ["served one, the slot's options: nothing (their own Machine, perhaps)", "one", defaults, null],
  ])("%s", (_name, served, options, after) => {
    expect(atFirstRun(boot, served, NEW, false, options as Parameters<typeof atFirstRun>[4])).toEqual(after);
  });
});

describe("keyThrough", () => {
  const slots: UserSlots = { ...NO_SLOTS, bound: { [NEW]: SLOT } };
  it.each([
    ["a bound user: the slot's key", NEW, SLOT],
    ["any other user: their own key", OLD, OLD],
  ])("%s", (_name, key, through) => {
    expect(keyThrough(slots, key)).toBe(through);
  });
});

describe("templateOf", () => {
  const chat = { permissionMode: "bypassPermissions", scheduleTools: true } as const;
  it.each<[string, object, object | null]>([
    ["a chat run's options, without its keep-warm time", { ...chat, keepWarmMs: 60_000 }, chat],
    ["a fork's: none", { ...chat, forkSession: true }, null],
    ["someone else's text: none", { ...chat, approvals: { mode: "on", timeoutMs: 1000, untrusted: true } }, null],
    ["a plan's: none", { ...chat, permissionMode: "plan" }, null],
  ])("%s", (_name, options, template) => {
    expect(templateOf(options as Parameters<typeof templateOf>[0])).toEqual(template);
  });
});
