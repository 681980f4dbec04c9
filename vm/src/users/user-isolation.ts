// At start: who runs each user's agent, DATA_DIR arranged for it (each user's tree its own, the
// rest the server's), and the lines that tell the operator both.
import { mkdirSync, readFileSync } from "node:fs";
import { openAgentUsers, type AgentUsers } from "./agent-users";
import type { VmConfig } from "../config";
import { procVisibilityOf } from "../core/agent-ids";
import { arrangeDataDir } from "./data-dir-layout";
import { migrateUserKeys } from "./user-key-migration";
import { userPathsOfKey } from "./user-paths";

/** What an agent can see of other users' processes, in one line (only said when agents have uids of their own). */
function procLine(): string {
  let mountinfo = "";
  try {
    mountinfo = readFileSync("/proc/self/mountinfo", "utf8");
  } catch {
    return "vm: /proc could not be read; what agents see of each other's processes is unknown";
  }
  return procVisibilityOf(mountinfo) === "hidden"
    ? "vm: /proc is mounted with hidepid: an agent sees only its own processes"
    : "vm: /proc is mounted without hidepid: every agent sees the others' processes and command lines (never their environments, working directories or files)";
}

/** Who runs each agent, and DATA_DIR arranged for it: each user's tree is its own, the rest the server's. */
export function openUsers(dataDir: string, config: VmConfig): AgentUsers {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  // Before the uid record is read: it names users by key too.
  const renamed = migrateUserKeys(dataDir);
  if (renamed > 0) console.log(`vm: ${renamed} user${renamed === 1 ? "" : "s"} renamed from the sha256 of their id to a keyed hash (homes, sessions, workspaces and uids kept)`);
  const users = openAgentUsers({
    dataDir,
    mode: config.agentUids,
    accountsDir: config.agentAccountsDir,
    homeOf: (key) => userPathsOfKey(dataDir, key).home,
  });
  console.log(users.summary);
  if (users.isolated) console.log(procLine());
  const { handedOver, opened, blocked } = arrangeDataDir(dataDir, users);
  if (handedOver > 0) console.log(`vm: ${handedOver} user director${handedOver === 1 ? "y" : "ies"} handed over to ${users.isolated ? "their users' own uids" : "the server's user"}`);
  if (opened.length > 0) console.log(`vm: ${opened.join(", ")}: search permission for others added, so agents reach DATA_DIR`);
  if (blocked.length > 0) console.warn(`vm: ${blocked.join(", ")}: other users cannot pass, so no agent reaches DATA_DIR; allow search (chmod o+x) or move DATA_DIR`);
  return users;
}
