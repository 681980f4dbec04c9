// A vitest globalSetup for the vm project: at the run's end, the network namespaces and nft tables
// of VM servers that a test ended with SIGKILL (which no server can clean up after) are removed,
// as the next server's start would (users/user-netns.ts). Only those of dead servers: a server
// still running (another run's) keeps its own.
import { sweepDeadServersNetworks } from "../../src/users/user-netns";

export default function setup(): () => void {
  return () => sweepDeadServersNetworks();
}
