// Whether a VM as root may start agents, from /proc's mount options, the uid and
// ALLOW_SHARED_PROC, and from whether an agent uid can open Fly's Machines API socket.
import { describe, expect, it } from "vitest";
import { isolationOf, type IsolationFacts } from "../../src/core/machine-isolation";

const MOUNTINFO = (options: string) => `22 27 0:21 / /proc rw,relatime - proc proc ${options}\n`;
const MOUNTS = (options: string) => `proc /proc proc ${options} 0 0\n`;
const SAFE: IsolationFacts = { root: true, mounts: MOUNTINFO("rw,hidepid=2"), allowSharedProc: false, flyApi: "absent" };

describe("isolationOf", () => {
  it.each<{ name: string; facts: IsolationFacts; refuses: string[]; missing: string[]; allowed: string[] }>([
    { name: "root, mountinfo with hidepid=2", facts: SAFE, refuses: [], missing: [], allowed: [] },
    { name: "root, mountinfo with hidepid=invisible", facts: { ...SAFE, mounts: MOUNTINFO("rw,hidepid=invisible") }, refuses: [], missing: [], allowed: [] },
    { name: "root, /proc/mounts with hidepid=2", facts: { ...SAFE, mounts: MOUNTS("rw,nosuid,hidepid=2") }, refuses: [], missing: [], allowed: [] },
    { name: "root, no hidepid: refused", facts: { ...SAFE, mounts: MOUNTINFO("rw") }, refuses: ["shared_proc"], missing: ["/proc hidepid=2"], allowed: [] },
    { name: "root, /proc/mounts without hidepid: refused", facts: { ...SAFE, mounts: MOUNTS("rw,relatime") }, refuses: ["shared_proc"], missing: ["/proc hidepid=2"], allowed: [] },
    { name: "root, hidepid=1 still lists every pid: refused", facts: { ...SAFE, mounts: MOUNTINFO("rw,hidepid=noaccess") }, refuses: ["shared_proc"], missing: ["/proc hidepid=2"], allowed: [] },
    { name: "root, mounts unreadable: refused as shared", facts: { ...SAFE, mounts: null }, refuses: ["shared_proc"], missing: ["/proc hidepid=2"], allowed: [] },
    { name: "root, no hidepid, ALLOW_SHARED_PROC=1: started, and named", facts: { ...SAFE, mounts: MOUNTINFO("rw"), allowSharedProc: true }, refuses: [], missing: [], allowed: ["ALLOW_SHARED_PROC"] },
    { name: "root, hidepid=2 and ALLOW_SHARED_PROC=1: nothing to allow", facts: { ...SAFE, allowSharedProc: true }, refuses: [], missing: [], allowed: [] },
    { name: "not root, no hidepid: agents are the server's user, nothing here", facts: { ...SAFE, root: false, mounts: MOUNTINFO("rw"), flyApi: null }, refuses: [], missing: [], allowed: [] },
    { name: "root, /.fly/api closed", facts: { ...SAFE, flyApi: "closed" }, refuses: [], missing: [], allowed: [] },
    { name: "root, /.fly/api open to agents: refused", facts: { ...SAFE, flyApi: "open" }, refuses: ["fly_api_open"], missing: ["/.fly/api"], allowed: [] },
    {
      name: "root, /.fly/api open and no hidepid with ALLOW_SHARED_PROC=1: the socket still refuses",
      facts: { ...SAFE, mounts: MOUNTINFO("rw"), allowSharedProc: true, flyApi: "open" },
      refuses: ["fly_api_open"],
      missing: ["/.fly/api"],
      allowed: ["ALLOW_SHARED_PROC"],
    },
    { name: "root, /.fly/api untried", facts: { ...SAFE, flyApi: null }, refuses: [], missing: [], allowed: [] },
  ])("$name", ({ facts, refuses, missing, allowed }) => {
    const got = isolationOf(facts);
    expect(got.problems.map((p) => p.refuses)).toEqual(refuses);
    expect(got.problems.map((p) => p.name)).toEqual(missing);
    expect(got.allowed.map((a) => a.name)).toEqual(allowed);
    for (const p of got.problems) expect(p.message).toContain(p.name);
  });

  it("tells the operator both ways out of a shared /proc", () => {
    const [problem] = isolationOf({ ...SAFE, mounts: MOUNTINFO("rw") }).problems;
    expect(problem?.message).toMatch(/mount -o remount,hidepid=2 \/proc/);
    expect(problem?.message).toMatch(/ALLOW_SHARED_PROC=1/);
  });
});
