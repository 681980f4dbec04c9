// A vitest globalSetup for the vm project: at the run's end, the network namespaces and nft tables
// of VM servers that a test ended with SIGKILL (which no server can clean up after) are removed,
// as the next server's start would (users/user-netns.ts). Only those of dead servers: a server
// still running (another run's) keeps its own. The forwarding switches the servers turn on for
// their users' namespaces are put back as this machine had them: a test leaves no trace on it.
import { readFileSync, writeFileSync } from "node:fs";
import { sweepDeadServersNetworks } from "../../src/users/user-netns";

const SWITCHES = ["/proc/sys/net/ipv4/ip_forward", "/proc/sys/net/ipv6/conf/all/forwarding"];

const read = (path: string): string | null => {
  try {
    return readFileSync(path, "utf8").trim();
  } catch {
    return null;
  }
};

export default function setup(): () => void {
  const before = SWITCHES.map((path) => [path, read(path)] as const);
  return () => {
    sweepDeadServersNetworks();
    for (const [path, value] of before) {
      if (value === null || read(path) === value) continue;
      try {
        writeFileSync(path, value);
      } catch {
        // Not ours to write (not root): nothing was changed either.
      }
    }
  };
}
