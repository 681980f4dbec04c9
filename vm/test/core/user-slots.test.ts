// A slot made ahead is bound to one new user only, for good; nobody else's key ever moves.
import { describe, expect, it } from "vitest";
import { bindToReady, keyThrough, NO_SLOTS, templateOf, type UserSlots } from "../../src/core/user-slots";

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
