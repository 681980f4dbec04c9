// The VM server must never switch its own ids: `setegid`/`seteuid` change every thread of the
// process, so libuv's pool would do the server's other file work as a user meanwhile (as-user.ts).
// Installed in every test process that starts a VM in-process (harness.ts): each of Node's id
// switches is replaced by one that records the call and throws, so a switch fails the flow that
// made it, and `assertNoIdSwitch` fails the test even when the throw was caught on the way.
// A child process (`git`, the CLI, a user's `sh`) started with `uid`/`gid` is not concerned:
// libuv sets those in the forked child, never through these functions.

/** `node` flag that loads the guard's child-process form before the server (id-switch-preload.mjs). */
export const ID_SWITCH_GUARD_FLAG = `--import=${new URL("./id-switch-preload.mjs", import.meta.url).href}`;

export const ID_SWITCHES = ["seteuid", "setegid", "setgroups", "setuid", "setgid", "initgroups"] as const;
/** `process` by name: `initgroups` is not in Node's types, and each may be missing (Windows). */
export const processFunction = (name: string): unknown => (process as unknown as Record<string, unknown>)[name];

const GUARD = Symbol.for("relay.vm-test.id-switch-guard");
type GuardState = { calls: string[] };
const store = globalThis as { [GUARD]?: GuardState };

/** Replaces the switches (once per process) and returns the list every attempted call goes to. */
export function installIdSwitchGuard(): string[] {
  const installed = store[GUARD];
  if (installed) return installed.calls;
  const state: GuardState = { calls: [] };
  for (const name of ID_SWITCHES) {
    if (typeof processFunction(name) !== "function") continue;
    const refuse = (...args: unknown[]): never => {
      const call = `process.${name}(${args.map((a) => JSON.stringify(a)).join(", ")})`;
      state.calls.push(`${call}\n${new Error("called from").stack ?? ""}`);
      throw new Error(`${call}: the VM server must never switch its own ids (see vm/src/users/as-user.ts)`);
    };
    Object.defineProperty(process, name, { value: refuse, configurable: true, writable: true });
  }
  store[GUARD] = state;
  return state.calls;
}

/** Throws with every switch attempted in this process so far (and forgets them). */
export function assertNoIdSwitch(): void {
  const calls = installIdSwitchGuard();
  if (calls.length === 0) return;
  const seen = calls.splice(0);
  throw new Error(`the VM server switched its ids ${seen.length} time(s):\n${seen.join("\n\n")}`);
}
