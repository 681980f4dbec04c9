// The ports a conversation's processes listen on: the socket inodes of every process of the
// user's uid whose working directory is in the conversation's workspace, read by a child of that
// uid (where /proc hides other uids' processes from the server and from the user alike, hidepid),
// matched with the listening sockets of /proc/net/tcp{,6} (core/listening-ports.ts).
// Why the working directory: a user's workspaces are owner-only, so no other uid can enter one,
// and a process of another conversation of the same user that moved into it is the user's own.
import { readFileSync } from "node:fs";
import type { AgentIds } from "../core/agent-ids";
import { listeningSocketsOf, portsOwned } from "../core/listening-ports";
import { outputAsUser } from "../users/as-user";

const readOr = (path: string): string => {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return "";
  }
};

/**
 * Prints, one a line, the socket inodes of the processes (of the child's uid) working in "$D" or
 * below. perl (in every Debian image; the proxy's peer lookup uses it too) reads /proc without a
 * fork per process, where a shell loop took seconds on a busy machine.
 */
const INODES_IN_DIR =
  "exec perl -e '" +
  'my $d = $ENV{D}; for my $p (glob "/proc/[0-9]*") { my $c = readlink("$p/cwd"); ' +
  'next unless defined $c && ($c eq $d || index($c, "$d/") == 0); opendir(my $h, "$p/fd") or next; ' +
  'for my $f (readdir $h) { my $l = readlink("$p/fd/$f"); print "$1\\n" if defined $l && $l =~ /^socket:\\[(\\d+)\\]$/ } }' +
  "'";

/** The ports the processes working in `dir` listen on, ascending; `exclude` (the VM's own) never among them. */
export async function portsListenedIn(dir: string, ids: AgentIds | null, exclude: readonly number[] = []): Promise<number[]> {
  const said = (await outputAsUser(ids, INODES_IN_DIR, { D: dir })) ?? "";
  const inodes = new Set(said.split("\n").filter((line) => /^\d+$/.test(line)).map(Number));
  if (inodes.size === 0) return [];
  const sockets = [...listeningSocketsOf(readOr("/proc/net/tcp")), ...listeningSocketsOf(readOr("/proc/net/tcp6"))];
  return portsOwned(sockets, inodes).filter((port) => !exclude.includes(port));
}
