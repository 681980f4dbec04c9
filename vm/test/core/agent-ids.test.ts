// The pure part of users kept apart: a uid picked from the user's key and kept, the passwd and
// group lines that name it, and what /proc's mount options let an agent see.
import { describe, expect, it } from "vitest";
import {
  AGENT_UID_RANGE,
  AgentIdTableSchema,
  allocateUid,
  EMPTY_ID_TABLE,
  preferredUid,
  procVisibilityOf,
  reservedIds,
  withAgentAccounts,
} from "../../src/core/agent-ids";
import { legacyKeyOf } from "../../src/core/user-keys";

const alice = legacyKeyOf("+15550000001");
const bob = legacyKeyOf("+15550000002");

describe("allocateUid", () => {
  const range = { first: 100, count: 4 };
  const start = preferredUid(alice, range);

  it("starts from the key's own uid, inside the range", () => {
    expect(start).toBeGreaterThanOrEqual(100);
    expect(start).toBeLessThan(104);
    expect(preferredUid(alice)).toBeGreaterThanOrEqual(AGENT_UID_RANGE.first);
    expect(preferredUid(alice)).toBeLessThan(AGENT_UID_RANGE.first + AGENT_UID_RANGE.count);
  });

  const next = (uid: number, by = 1) => 100 + ((uid - 100 + by) % 4);
  const cases: Array<{ name: string; users: Record<string, number>; reserved: number[]; uid: number | null }> = [
    { name: "a new key gets its preferred uid", users: {}, reserved: [], uid: start },
    { name: "a recorded key keeps its uid, whatever the hash says", users: { [alice]: 999 }, reserved: [], uid: 999 },
    { name: "a recorded key keeps it even when the machine reserves it since", users: { [alice]: start }, reserved: [start], uid: start },
    { name: "a uid taken by another key moves it on", users: { [bob]: start }, reserved: [], uid: next(start) },
    { name: "a reserved uid too, wrapping around the range", users: { [bob]: start }, reserved: [next(start)], uid: next(start, 2) },
    { name: "a full range: null", users: { [bob]: start }, reserved: [next(start), next(start, 2), next(start, 3)], uid: null },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const outcome = allocateUid({ version: 1, users: c.users }, alice, new Set(c.reserved), range);
      expect(outcome?.uid ?? null).toBe(c.uid);
      if (outcome) expect(outcome.table.users[alice]).toBe(c.uid);
    });
  }

  it("returns a new record and leaves the old one alone", () => {
    const outcome = allocateUid(EMPTY_ID_TABLE, bob, new Set());
    expect(EMPTY_ID_TABLE.users).toEqual({});
    expect(AgentIdTableSchema.parse(outcome?.table)).toEqual({ version: 1, users: { [bob]: outcome?.uid } });
  });

  it("refuses what is not a user key", () => {
    expect(() => allocateUid(EMPTY_ID_TABLE, "../etc", new Set())).toThrow();
  });
});

describe("passwd and group lines", () => {
  const passwd = "root:x:0:0:root:/root:/bin/bash\nnode:x:1000:1000::/home/node:/bin/bash\n";
  const group = "root:x:0:\nnode:x:1000:\n";

  it("reserves the ids of other accounts, not our agents'", () => {
    expect([...reservedIds(passwd, group, "agent-20001:x:20001:20001:relay agent:/h:/bin/sh\n")].sort()).toEqual([0, 1000]);
  });

  it("adds what is missing, once", () => {
    const once = withAgentAccounts(passwd, group, [{ uid: 20001, home: "/data/users/k/home" }]);
    expect(once).toEqual({
      passwd: `${passwd}agent-20001:x:20001:20001:relay agent:/data/users/k/home:/bin/sh\n`,
      group: `${group}agent-20001:x:20001:\n`,
    });
    expect(withAgentAccounts(once?.passwd ?? "", once?.group ?? "", [{ uid: 20001, home: "/data/users/k/home" }])).toBeNull();
    expect(withAgentAccounts("root:x:0:0::/root:/bin/sh", "", [{ uid: 5, home: "/h" }])).toEqual({
      passwd: "root:x:0:0::/root:/bin/sh\nagent-5:x:5:5:relay agent:/h:/bin/sh\n",
      group: "agent-5:x:5:\n",
    });
  });

  it("moves an agent's home when its user's key was renamed, and leaves other accounts alone", () => {
    const before = `${passwd}agent-20001:x:20001:20001:relay agent:/data/users/old/home:/bin/sh\nagent-20002:x:20002:20002:relay agent:/data/users/b/home:/bin/sh\n`;
    const after = withAgentAccounts(before, `${group}agent-20001:x:20001:\nagent-20002:x:20002:\n`, [
      { uid: 20001, home: "/data/users/new/home" },
      { uid: 20002, home: "/data/users/b/home" },
      { uid: 1000, home: "/data/users/c/home" },
    ]);
    expect(after?.passwd).toBe(
      `${passwd}agent-20001:x:20001:20001:relay agent:/data/users/new/home:/bin/sh\nagent-20002:x:20002:20002:relay agent:/data/users/b/home:/bin/sh\n`,
    );
  });
});

describe("procVisibilityOf", () => {
  const line = (superOptions: string) => `22 27 0:21 / /proc rw,relatime - proc proc ${superOptions}`;
  const cases: Array<[string, string, "hidden" | "visible"]> = [
    ["no hidepid", line("rw"), "visible"],
    ["hidepid=2", line("rw,hidepid=2"), "hidden"],
    ["hidepid=invisible (newer kernels)", line("rw,hidepid=invisible"), "hidden"],
    ["hidepid=ptraceable", line("rw,hidepid=ptraceable"), "hidden"],
    ["hidepid=1 still lists every pid", line("rw,hidepid=noaccess"), "visible"],
    ["another proc mount elsewhere", "40 22 0:50 / /other rw - proc proc rw,hidepid=2", "visible"],
    ["the last /proc mount counts", `${line("rw")}\n90 27 0:60 / /proc rw - proc proc rw,hidepid=2`, "hidden"],
    ["nothing readable", "", "visible"],
    ["/proc/mounts: hidepid=2", "sysfs /sys sysfs rw 0 0\nproc /proc proc rw,nosuid,nodev,noexec,relatime,hidepid=2 0 0\n", "hidden"],
    ["/proc/mounts: hidepid=invisible", "proc /proc proc rw,relatime,hidepid=invisible 0 0", "hidden"],
    ["/proc/mounts: no hidepid", "proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0", "visible"],
    ["/proc/mounts: hidepid on another mount point", "proc /proc proc rw 0 0\nproc /mnt/proc proc rw,hidepid=2 0 0", "visible"],
    ["/proc/mounts: a tmpfs over /proc is not proc", "tmpfs /proc tmpfs rw,hidepid=2 0 0", "visible"],
  ];
  for (const [name, mountinfo, expected] of cases) it(name, () => expect(procVisibilityOf(mountinfo)).toBe(expected));
});
