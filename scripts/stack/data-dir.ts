// Where `npm start` keeps the VM's data (DATA_DIR), or in machines mode the Fly stand-in's (whose
// volumes are the Machines' DATA_DIRs), when the environment does not say. Pure.
// As root the VM runs each user's agent under a uid of its own, and those uids must pass through
// DATA_DIR's ancestors, so the VM gives its own ancestors search permission for others. Inside a
// checkout others cannot enter (root's 0700 home) that would open the checkout: every file whose
// name an agent guesses (.dev.vars with the Twilio token) would become readable. So there the
// data lives outside it, one directory per checkout under /var/lib, which others may already pass.
import { createHash } from "node:crypto";
import { dirname, join, resolve } from "node:path";

export const SHARED_STATE_DIR = "/var/lib/whatsapp-agent-relay";

export type DataDirChoice = { dir: string; why: "configured" | "checkout" | "outside_private_checkout" };

/**
 * `closedToOthers(dir)`: whether others lack search permission on a directory (its mode's `o+x`).
 * Asked of the checkout's directory and each of its ancestors, only when running as root.
 */
export function chooseDataDir(input: {
  root: string;
  configured: string | undefined;
  runningAsRoot: boolean;
  closedToOthers: (dir: string) => boolean;
  /** Whose data: the shared VM's (`vm`) or the Fly stand-in's (`fly`). */
  leaf?: "vm" | "fly";
}): DataDirChoice {
  const leaf = input.leaf ?? "vm";
  if (input.configured) return { dir: resolve(input.root, input.configured), why: "configured" };
  const inCheckout = resolve(input.root, ".data", leaf);
  if (!input.runningAsRoot || !ancestorsOf(input.root).some(input.closedToOthers)) return { dir: inCheckout, why: "checkout" };
  return { dir: join(sharedStateDirOf(input.root), leaf), why: "outside_private_checkout" };
}

/** The one directory under SHARED_STATE_DIR that belongs to the checkout at `root` (its path's hash). */
export function sharedStateDirOf(root: string): string {
  return join(SHARED_STATE_DIR, createHash("sha256").update(resolve(root)).digest("hex").slice(0, 16));
}

/** The directory and every directory above it, up to `/`. */
function ancestorsOf(dir: string): string[] {
  const all = [resolve(dir)];
  while (dirname(all.at(-1)!) !== all.at(-1)) all.push(dirname(all.at(-1)!));
  return all;
}
