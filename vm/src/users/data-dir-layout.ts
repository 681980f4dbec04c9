// DATA_DIR's owners and modes, set by a root VM at every start: each user's tree belongs to the
// uid its agent runs as, the rest (run logs, the uid record, secrets) to the server. A volume an
// earlier VM wrote (every agent as one user, everything owned by it) is handed over here.
import { chmodSync, lchownSync, lstatSync, readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import type { AgentUsers } from "./agent-users";
import { resolveInside, runsDirOf } from "./user-paths";

const USER_KEY = /^[0-9a-f]{64}$/;

/**
 * Children first, the top last, never following a symlink (the link itself changes owner): the top
 * owned by `uid` means the whole tree is, so a start cut short mid-way is finished by the next.
 */
function chownTree(path: string, uid: number, gid: number, topMode?: number): void {
  const stat = lstatSync(path, { throwIfNoEntry: false });
  if (!stat) return;
  if (stat.isDirectory()) {
    for (const entry of readdirSync(path)) chownTree(join(path, entry), uid, gid);
  }
  if (topMode !== undefined) chmodSync(path, topMode);
  lchownSync(path, uid, gid);
}

function ownedBy(path: string, uid: number, gid: number): boolean {
  const stat = lstatSync(path, { throwIfNoEntry: false });
  return stat !== undefined && stat.uid === uid && stat.gid === gid;
}

/**
 * Agents reach their trees through DATA_DIR's ancestors: each needs search permission for others.
 * The server's own directories get it (search only: nothing in them is listed); another owner's
 * are reported, for the operator to open or to move DATA_DIR.
 */
export function openAncestors(dataDir: string, serverUid: number): { opened: string[]; blocked: string[] } {
  const opened: string[] = [];
  const blocked: string[] = [];
  for (let dir = dirname(dataDir); ; dir = dirname(dir)) {
    const stat = statSync(dir);
    if ((stat.mode & 0o001) === 0) {
      if (stat.uid === serverUid) {
        chmodSync(dir, (stat.mode & 0o7777) | 0o001);
        opened.push(dir);
      } else blocked.push(dir);
    }
    if (dirname(dir) === dir) break;
  }
  return { opened, blocked };
}

/**
 * Only as root, first of all at start: these folders of the server's (DATA_DIR itself, its agent
 * records) made root's if another uid owns them (a volume the earlier VM wrote as `node`), before
 * anything there is read, removed or written: the server may lack CAP_DAC_OVERRIDE (the image).
 * The folder itself only, never through a link; the rest is arranged by arrangeDataDir.
 */
export function takeServerFolders(dirs: readonly string[]): void {
  if (process.getuid?.() !== 0) return;
  for (const dir of dirs) {
    const stat = lstatSync(dir, { throwIfNoEntry: false });
    if (stat?.isDirectory() && (stat.uid !== 0 || stat.gid !== 0)) lchownSync(dir, 0, 0);
  }
}

export type Arrangement = { handedOver: number; opened: string[]; blocked: string[] };

/**
 * Only as root (only root can give files away). Modes: DATA_DIR and `users` 711 when agents have
 * uids of their own (each agent passes through to its own tree, and lists neither), 700 otherwise;
 * each user's tree 700; `.runs` 700. Returns how many users' trees changed owner, and the
 * ancestors of DATA_DIR opened for agents to pass, or still closed to them.
 */
export function arrangeDataDir(dataDir: string, users: AgentUsers): Arrangement {
  const server = { uid: process.getuid?.() ?? -1, gid: process.getgid?.() ?? -1 };
  if (server.uid !== 0) return { handedOver: 0, opened: [], blocked: [] };
  const ancestors = users.isolated ? openAncestors(dataDir, server.uid) : { opened: [], blocked: [] };
  const usersDir = resolveInside(dataDir, "users");
  const passThrough = users.isolated ? 0o711 : 0o700;
  for (const dir of [dataDir, usersDir]) {
    if (!lstatSync(dir, { throwIfNoEntry: false })) continue;
    lchownSync(dir, server.uid, server.gid);
    chmodSync(dir, passThrough);
  }

  let handedOver = 0;
  const keys = lstatSync(usersDir, { throwIfNoEntry: false }) ? readdirSync(usersDir) : [];
  for (const key of keys) {
    const root = join(usersDir, key);
    if (!USER_KEY.test(key) || !lstatSync(root).isDirectory()) continue;
    const owner = users.idsOf(key) ?? server;
    if (ownedBy(root, owner.uid, owner.gid)) continue;
    chownTree(root, owner.uid, owner.gid, 0o700);
    handedOver++;
  }
  // After the users' trees: a file an agent of the old layout linked into its tree ends the server's.
  for (const own of [runsDirOf(dataDir), resolveInside(dataDir, ".secrets")]) {
    if (!ownedBy(own, server.uid, server.gid)) chownTree(own, server.uid, server.gid, 0o700);
  }
  return { handedOver, ...ancestors };
}
