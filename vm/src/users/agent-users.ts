// The OS users the agents run as. As root (AGENT_UIDS=auto, the image) every relay user gets a uid
// of its own, recorded in DATA_DIR/.agent-ids.json so it survives restarts and image updates;
// otherwise (a normal user's `npm run vm`, or AGENT_UIDS=off) every agent runs as the server.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  AGENT_UID_RANGE,
  AgentIdTableSchema,
  allocateUid,
  EMPTY_ID_TABLE,
  reservedIds,
  withAgentAccounts,
  type AgentIdTable,
  type AgentIds,
} from "../core/agent-ids";
import { replaceFile } from "./replace-file";
import { resolveInside } from "./user-paths";

export type AgentUsers = {
  /** Null: that user's agent runs as the server's own user. Allocates and records on first use. */
  idsOf(userKey: string): AgentIds | null;
  readonly isolated: boolean;
  /** The line the VM logs at start: who the agents run as. */
  readonly summary: string;
};

export type AgentUsersOptions = {
  dataDir: string;
  mode: "auto" | "off";
  /** A directory holding `passwd` and `group` to name agent uids in (the image: /etc), or null. */
  accountsDir: string | null;
  /** The HOME of a user key (the passwd entry's home: ssh reads `~/.ssh` from it). */
  homeOf: (userKey: string) => string;
};

function readText(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return "";
  }
}

export { replaceFile };

export function tablePathOf(dataDir: string): string {
  return resolveInside(dataDir, ".agent-ids.json");
}

function loadTable(path: string): AgentIdTable {
  const text = readText(path);
  if (text === "") return EMPTY_ID_TABLE;
  // A record that does not parse is never overwritten by a fresh one: uids would move.
  return AgentIdTableSchema.parse(JSON.parse(text));
}

export function openAgentUsers(options: AgentUsersOptions): AgentUsers {
  const uid = process.getuid?.() ?? null;
  if (uid !== 0 || options.mode === "off") {
    const who = uid === null ? "the server's user" : `the server's user (uid ${uid})`;
    const why = uid !== 0 ? "the VM is not root, so it cannot switch users" : "AGENT_UIDS=off";
    return {
      idsOf: () => null,
      isolated: false,
      summary: `vm: every agent runs as ${who}: ${why}; users are kept apart only by their directories, not by the OS`,
    };
  }

  const path = tablePathOf(options.dataDir);
  let table = loadTable(path);
  const etc = (name: string) => readText(join(options.accountsDir ?? "/etc", name));

  function nameAccounts(): void {
    if (!options.accountsDir) return;
    const accounts = Object.entries(table.users).map(([key, id]) => ({ uid: id, home: options.homeOf(key) }));
    const next = withAgentAccounts(etc("passwd"), etc("group"), accounts);
    if (!next) return;
    replaceFile(join(options.accountsDir, "passwd"), next.passwd, 0o644);
    replaceFile(join(options.accountsDir, "group"), next.group, 0o644);
  }
  // The image's /etc comes fresh from the image at each boot: the recorded users are named again.
  nameAccounts();

  return {
    isolated: true,
    summary: `vm: each user's agent runs as its own uid (${AGENT_UID_RANGE.first}-${AGENT_UID_RANGE.first + AGENT_UID_RANGE.count - 1}), recorded in ${path}`,
    idsOf(userKey) {
      const known = table.users[userKey];
      if (known !== undefined) return { uid: known, gid: known };
      const reserved = reservedIds(etc("passwd"), etc("group"), readText("/etc/passwd"), readText("/etc/group"));
      reserved.add(process.getuid?.() ?? 0).add(process.getgid?.() ?? 0);
      const allocated = allocateUid(table, userKey, reserved);
      if (!allocated) throw new Error(`no free agent uid left in ${AGENT_UID_RANGE.first}+${AGENT_UID_RANGE.count}`);
      // Recorded before any file is given to it.
      replaceFile(path, `${JSON.stringify(allocated.table, null, 2)}\n`, 0o600);
      table = allocated.table;
      nameAccounts();
      return { uid: allocated.uid, gid: allocated.uid };
    },
  };
}
