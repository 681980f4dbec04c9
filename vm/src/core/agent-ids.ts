// Which OS user runs each relay user's agent, as data: a uid (with a group of the same number)
// picked from the user's key, recorded, never given to another key; the passwd and group lines
// that name those uids; and what /proc lets one agent see of another's processes.
import * as z from "zod";

export type AgentIds = { uid: number; gid: number };

/** Far from system accounts (below 1000), the first login users (1000+) and nobody (65534). */
export const AGENT_UID_RANGE = { first: 20_000, count: 40_000 } as const;
export type UidRange = { first: number; count: number };

const USER_KEY = /^[0-9a-f]{64}$/;

/** `DATA_DIR/.agent-ids.json`: the record that keeps a user's uid across restarts and images. */
export const AgentIdTableSchema = z.object({
  version: z.literal(1),
  /** user key (core/user-keys.ts) → uid; the gid is the same number. */
  users: z.record(z.string().regex(USER_KEY), z.number().int().positive()),
});
export type AgentIdTable = z.infer<typeof AgentIdTableSchema>;

export const EMPTY_ID_TABLE: AgentIdTable = { version: 1, users: {} };

/** Where a key's search starts: the same key finds the same uid even if the record were lost. */
export function preferredUid(key: string, range: UidRange = AGENT_UID_RANGE): number {
  return range.first + (Number.parseInt(key.slice(0, 12), 16) % range.count);
}

/**
 * The key's recorded uid, or the first free one from its preferred uid on (wrapping around the
 * range); `reserved` holds ids the machine already uses for something else. Null: range full.
 */
export function allocateUid(
  table: AgentIdTable,
  key: string,
  reserved: ReadonlySet<number>,
  range: UidRange = AGENT_UID_RANGE,
): { uid: number; table: AgentIdTable } | null {
  if (!USER_KEY.test(key)) throw new Error(`not a user key: ${JSON.stringify(key)}`);
  const recorded = table.users[key];
  if (recorded !== undefined) return { uid: recorded, table };
  const taken = new Set(Object.values(table.users));
  const start = preferredUid(key, range) - range.first;
  for (let step = 0; step < range.count; step++) {
    const uid = range.first + ((start + step) % range.count);
    if (!taken.has(uid) && !reserved.has(uid)) return { uid, table: { ...table, users: { ...table.users, [key]: uid } } };
  }
  return null;
}

/** The account name of an agent uid in /etc/passwd and /etc/group. */
export function agentAccountName(uid: number): string {
  return `agent-${uid}`;
}

/** Ids that `/etc/passwd` or `/etc/group` text gives to accounts other than our agents'. */
export function reservedIds(...files: string[]): Set<number> {
  const ids = new Set<number>();
  for (const text of files) {
    for (const line of text.split("\n")) {
      const [name, , id] = line.split(":");
      if (name && id && !name.startsWith("agent-") && /^\d+$/.test(id)) ids.add(Number(id));
    }
  }
  return ids;
}

export type AgentAccount = { uid: number; home: string };

/**
 * `/etc/passwd` and `/etc/group` with a line for every account missing (ssh refuses to run for a
 * uid without one, and reads `~/.ssh` from the entry's home), and our own line of an account
 * whose home moved (its user's key renamed) rewritten in place. Null when nothing changes.
 */
export function withAgentAccounts(passwd: string, group: string, accounts: readonly AgentAccount[]): { passwd: string; group: string } | null {
  const has = (text: string, uid: number) => text.split("\n").some((line) => line.split(":")[2] === String(uid));
  const lineOf = (a: AgentAccount) => `${agentAccountName(a.uid)}:x:${a.uid}:${a.uid}:relay agent:${a.home}:/bin/sh`;
  const byUid = new Map(accounts.map((a) => [String(a.uid), a]));
  let moved = false;
  const current = passwd
    .split("\n")
    .map((line) => {
      const [name, , uid] = line.split(":");
      const account = uid === undefined ? undefined : byUid.get(uid);
      if (!account || name !== agentAccountName(account.uid) || line === lineOf(account)) return line;
      moved = true;
      return lineOf(account);
    })
    .join("\n");
  const missingUsers = accounts.filter((a) => !has(current, a.uid));
  const missingGroups = accounts.filter((a) => !has(group, a.uid));
  if (!moved && missingUsers.length === 0 && missingGroups.length === 0) return null;
  const append = (text: string, lines: string[]) => (lines.length === 0 ? text : `${text}${text === "" || text.endsWith("\n") ? "" : "\n"}${lines.join("\n")}\n`);
  return {
    passwd: append(current, missingUsers.map(lineOf)),
    group: append(group, missingGroups.map((a) => `${agentAccountName(a.uid)}:x:${a.uid}:`)),
  };
}

/** What an agent sees of other users' processes, from `/proc/self/mountinfo` or `/proc/mounts`. */
export type ProcVisibility = "hidden" | "visible";

/** The options of the last proc filesystem mounted on /proc, from either file's text. */
function procMountOptions(text: string): string[] {
  const proc = text
    .split("\n")
    .map((line) => line.trim().split(/\s+/))
    .map((fields) => {
      // mountinfo: id parent major:minor root mountpoint options [optional…] - fstype source superoptions
      const dash = fields.indexOf("-");
      if (dash >= 0) return { point: fields[4], type: fields[dash + 1], options: fields.at(-1) };
      // mounts (fstab's shape): source mountpoint fstype options dump pass
      return { point: fields[1], type: fields[2], options: fields[3] };
    })
    .findLast((mount) => mount.point === "/proc" && mount.type === "proc");
  return proc?.options?.split(",") ?? [];
}

export function procVisibilityOf(mounts: string): ProcVisibility {
  // 2 (invisible) hides other users' /proc/<pid>; 4 (ptraceable) too, since an agent cannot ptrace
  // another uid. 1 (noaccess) still lists every pid and its owner.
  return procMountOptions(mounts).some((o) => /^hidepid=(2|4|invisible|ptraceable)$/.test(o)) ? "hidden" : "visible";
}
