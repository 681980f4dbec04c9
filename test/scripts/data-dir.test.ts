import { describe, expect, it } from "vitest";
import { join } from "node:path";
import { chooseDataDir, SHARED_STATE_DIR, sharedStateDirOf } from "../../scripts/stack/data-dir";

const closedBelow = (closed: string[]) => (dir: string) => closed.includes(dir);

describe("chooseDataDir", () => {
  it.each([
    ["DATA_DIR set: it wins, relative to the checkout", { root: "/root/relay", configured: "state", runningAsRoot: true, closed: ["/root"] }, { dir: "/root/relay/state", why: "configured" }],
    ["not root: inside the checkout (agents share the server's uid)", { root: "/home/dev/relay", configured: undefined, runningAsRoot: false, closed: ["/home/dev"] }, { dir: "/home/dev/relay/.data/vm", why: "checkout" }],
    ["root in an open checkout: inside it", { root: "/work/relay", configured: undefined, runningAsRoot: true, closed: [] }, { dir: "/work/relay/.data/vm", why: "checkout" }],
    ["root with the checkout itself closed: outside it", { root: "/srv/relay", configured: undefined, runningAsRoot: true, closed: ["/srv/relay"] }, { why: "outside_private_checkout" }],
  ] as const)("%s", (_name, input, expected) => {
    expect(chooseDataDir({ ...input, closedToOthers: closedBelow([...input.closed]) })).toMatchObject(expected);
  });

  it("as root under a 0700 home, one directory per checkout under /var/lib, never inside the home", () => {
    const a = chooseDataDir({ root: "/root/relay", configured: undefined, runningAsRoot: true, closedToOthers: closedBelow(["/root"]) });
    const b = chooseDataDir({ root: "/root/relay-2", configured: undefined, runningAsRoot: true, closedToOthers: closedBelow(["/root"]) });
    expect(a.dir).toMatch(new RegExp(`^${SHARED_STATE_DIR}/[0-9a-f]{16}/vm$`));
    expect(a.dir).not.toBe(b.dir);
    expect(chooseDataDir({ root: "/root/relay/", configured: undefined, runningAsRoot: true, closedToOthers: closedBelow(["/root"]) }).dir).toBe(a.dir);
    // The checkout's own directory there, which whoever removes the checkout removes too.
    expect(a.dir).toBe(join(sharedStateDirOf("/root/relay"), "vm"));
  });

  it("keeps the Fly stand-in's volumes beside the VM's data, by the same rules", () => {
    const fly = (root: string, closed: string[]) => chooseDataDir({ root, configured: undefined, runningAsRoot: true, closedToOthers: closedBelow(closed), leaf: "fly" });
    expect(fly("/work/relay", [])).toEqual({ dir: "/work/relay/.data/fly", why: "checkout" });
    const vm = chooseDataDir({ root: "/root/relay", configured: undefined, runningAsRoot: true, closedToOthers: closedBelow(["/root"]) });
    expect(fly("/root/relay", ["/root"])).toEqual({ dir: vm.dir.replace(/vm$/, "fly"), why: "outside_private_checkout" });
  });
});
