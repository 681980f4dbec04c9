// The ports a conversation's processes listen on: the socket inodes of every process of the
// user's uid whose working directory is in the conversation's workspace, read by a child of that
// uid (where /proc hides other uids' processes from the server and from the user alike, hidepid),
// matched with the listening sockets of /proc/net/tcp{,6} (core/listening-ports.ts).
// Why the working directory: a user's workspaces are owner-only, so no other uid can enter one,
// and a process of another conversation of the same user that moved into it is the user's own.
import type { AgentIds } from "../core/agent-ids";
import { listeningSocketsOf, portsOwned } from "../core/listening-ports";
import { outputAsUser } from "../users/as-user";

/**
 * Prints, one a line, the socket inodes of the processes (of the child's uid) working in "$D" or
 * below, then the child's own /proc/net/tcp{,6}: the child runs where the user's processes do (its
 * network namespace when the VM keeps one per user, users/user-netns.ts), so those are the tables
 * its servers listen in. perl (in every Debian image; the proxy's peer lookup uses it too) reads
 * /proc without a fork per process, where a shell loop took seconds on a busy machine.
 */
const INODES_IN_DIR =
  "exec perl -e '" +
  'my $d = $ENV{D}; for my $p (glob "/proc/[0-9]*") { my $c = readlink("$p/cwd"); ' +
  'next unless defined $c && ($c eq $d || index($c, "$d/") == 0); opendir(my $h, "$p/fd") or next; ' +
  'for my $f (readdir $h) { my $l = readlink("$p/fd/$f"); print "$1\\n" if defined $l && $l =~ /^socket:\\[(\\d+)\\]$/ } } ' +
  'for my $t ("/proc/net/tcp", "/proc/net/tcp6") { open(my $h, "<", $t) or next; print "--\\n", <$h> }' +
  "'";

/** The ports the processes working in `dir` listen on, ascending; `exclude` (the VM's own) never among them. */
export async function portsListenedIn(dir: string, ids: AgentIds | null, exclude: readonly number[] = []): Promise<number[]> {
  const said = (await outputAsUser(ids, INODES_IN_DIR, { D: dir })) ?? "";
  const [inodeLines = "", ...tables] = `\n${said}`.split("\n--\n");
  const inodes = new Set(inodeLines.split("\n").filter((line) => /^\d+$/.test(line)).map(Number));
  if (inodes.size === 0) return [];
  const sockets = tables.flatMap((table) => listeningSocketsOf(table));
  return portsOwned(sockets, inodes).filter((port) => !exclude.includes(port));
}
