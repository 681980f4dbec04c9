// The users' network namespaces on the shared VM (core/user-netns.ts says why and how): made for a
// user's uid the first time one of its agent processes starts, torn down when the server closes.
// Under the same gate as the uids of their own (root, AGENT_UIDS not off), and only where the
// kernel and the tools let the server make them (`ip`, `nft`, `nsenter`, CAP_NET_ADMIN and
// CAP_SYS_ADMIN): the start line says which, and without them agents run as before.
// One per process (a module's state, as the preview registry): the spawns of a user's processes
// (as-user.ts) ask it where to start them.
import { execFile, execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { accessSync, constants, readdirSync, readFileSync, writeFileSync } from "node:fs";
import {
  HOST_IF_PREFIX,
  hostLinkBatch,
  hostTable,
  inNetnsCommand,
  netIndexOfAddress,
  netnsReport,
  NETNS_MAX,
  nsSetupScript,
  serverPidsNamed,
  userNetOf,
  type UserNet,
} from "../core/user-netns";

export type UserNetns = {
  readonly on: boolean;
  readonly line: string;
  /** The uid's namespace, made on first use; null when off or it could not be made (then the agent runs as before). */
  ensure(uid: number): UserNet | null;
  /** Ends every namespace this server made and its table. */
  close(): void;
};

type State = { nsenter: string; byUid: Map<number, UserNet>; byIndex: Map<number, UserNet>; ensure: (uid: number) => UserNet | null };
let active: State | null = null;

/** The namespace's setup script names `ip` and `nft`: the sbin directories are on its PATH whatever the server's. */
const SBIN_PATH = `${process.env.PATH ? `${process.env.PATH}:` : ""}/usr/sbin:/usr/bin:/sbin:/bin`;

const run = (bin: string, args: string[], input?: string) =>
  execFileSync(bin, args, { input: input ?? "", stdio: ["pipe", "ignore", "pipe"], timeout: 10_000, env: { PATH: SBIN_PATH } });

const errorText = (error: unknown) => {
  const stderr = (error as { stderr?: Buffer }).stderr?.toString("utf8").trim();
  return (stderr || (error as Error).message || String(error)).split("\n")[0] ?? "";
};

function which(name: string): string | null {
  for (const dir of ["/usr/sbin", "/usr/bin", "/sbin", "/bin"]) {
    try {
      accessSync(`${dir}/${name}`, constants.X_OK);
      return `${dir}/${name}`;
    } catch {
      // not there
    }
  }
  return null;
}

const readText = (path: string): string => {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return "";
  }
};

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
};

/** Namespaces and tables a server that died left (a SIGKILL never closes): removed, so their indices and rules go. */
function sweepLeftovers(ip: string, nft: string, ownTag: string): void {
  const list = (bin: string, args: string[]) => {
    try {
      return execFileSync(bin, args, { encoding: "utf8", timeout: 10_000, stdio: ["ignore", "pipe", "ignore"] });
    } catch {
      return "";
    }
  };
  const named = serverPidsNamed(list(ip, ["netns", "list"]), list(nft, ["list", "tables"]));
  const gone = (entries: Map<string, number>) => [...entries].filter(([name, pid]) => !name.includes(ownTag) && !alive(pid)).map(([name]) => name);
  for (const name of gone(named.namespaces)) list(ip, ["netns", "del", name]);
  for (const name of gone(named.tables)) list(nft, ["delete", "table", "inet", name]);
}

const writeSysctl = (path: string, value: string) => writeFileSync(path, value);

/**
 * With IPv6 forwarding on, the kernel ignores router advertisements on an interface whose
 * accept_ra is 1: a Machine that learned its IPv6 route from one would lose it when it expires.
 * 2 keeps taking them while forwarding.
 */
function keepRouterAdvertisements(): void {
  for (const name of readdirSync("/proc/sys/net/ipv6/conf")) {
    if (name === "all" || name === "default" || name.startsWith(HOST_IF_PREFIX)) continue;
    const path = `/proc/sys/net/ipv6/conf/${name}/accept_ra`;
    if (readText(path).trim() === "1") writeSysctl(path, "2");
  }
}

/** What servers that died left (their namespaces and tables), swept where `ip` and `nft` exist: the test run's end uses it. */
export function sweepDeadServersNetworks(): void {
  const ip = which("ip");
  const nft = which("nft");
  if (ip && nft && process.getuid?.() === 0) sweepLeftovers(ip, nft, "\0");
}

export type UserNetnsOptions = {
  /** Agents run as uids of their own (root, AGENT_UIDS not off): the gate, as for the uids. */
  isolated: boolean;
  /** The VM's ports an agent reaches on 127.0.0.1 (its server, the credential proxy), read at each new namespace. */
  vmPorts: () => readonly number[];
};

const portsKnown = (ports: readonly number[]) => ports.length > 0 && ports.every((port) => Number.isInteger(port) && port > 0 && port < 65_536);

export function openUserNetns(options: UserNetnsOptions): UserNetns {
  const off = (eligible: boolean, why: string | null, problem: string | null): UserNetns => ({
    on: false,
    line: netnsReport({ eligible, why, problem }).line,
    ensure: () => null,
    close: () => undefined,
  });
  if (!options.isolated) return off(false, "agents do not run as uids of their own", null);
  const tools = { ip: which("ip"), nft: which("nft"), nsenter: which("nsenter") };
  const missing = Object.entries(tools).filter(([, path]) => !path).map(([name]) => name);
  if (missing.length > 0) return off(true, null, `${missing.join(", ")} not installed`);
  const ip = tools.ip as string;
  const nft = tools.nft as string;
  const nsenter = tools.nsenter as string;
  const tag = `${process.pid}_${randomBytes(3).toString("hex")}`;
  const table = `relay_netns_${tag}`;
  try {
    // The probe is the host table itself: it needs CAP_NET_ADMIN, and `ip netns add` then CAP_SYS_ADMIN.
    run(nft, ["-f", "-"], hostTable(table, [1]));
    run(nft, ["delete", "table", "inet", table]);
    const probe = `relay-probe-${tag}`;
    run(ip, ["netns", "add", probe]);
    run(ip, ["netns", "del", probe]);
  } catch (error) {
    try {
      run(nft, ["delete", "table", "inet", table]);
    } catch {
      // never made
    }
    return off(true, null, `the kernel refused (${errorText(error)})`);
  }

  sweepLeftovers(ip, nft, tag);
  const state: State = { nsenter, byUid: new Map(), byIndex: new Map(), ensure: (uid) => netns.ensure(uid) };
  let tableMade = false;

  function make(): UserNet {
    const ports = options.vmPorts();
    if (!tableMade) {
      run(nft, ["-f", "-"], hostTable(table, ports));
      writeSysctl("/proc/sys/net/ipv4/ip_forward", "1");
      keepRouterAdvertisements();
      writeSysctl("/proc/sys/net/ipv6/conf/all/forwarding", "1");
      tableMade = true;
    }
    // The first free index: `link add` of its veth pair is the claim, so servers side by side never share one.
    for (let index = 0; index < NETNS_MAX; index++) {
      const net = userNetOf(index, tag);
      try {
        run(ip, ["link", "add", net.hostIf, "type", "veth", "peer", "name", net.nsIf]);
      } catch {
        continue;
      }
      try {
        run(ip, ["-batch", "-"], hostLinkBatch(net));
        writeSysctl(`/proc/sys/net/ipv4/conf/${net.hostIf}/route_localnet`, "1");
        // Strict reverse path: a packet from this veth carries this namespace's address or is dropped.
        writeSysctl(`/proc/sys/net/ipv4/conf/${net.hostIf}/rp_filter`, "1");
        run(nft, ["add", "element", "inet", table, "veths", `{ ${net.hostIf} }`]);
        run(nsenter, [`--net=${net.path}`, "--", "sh", "-e", "-s"], nsSetupScript(net, ports));
        return net;
      } catch (error) {
        remove(net);
        throw error;
      }
    }
    throw new Error("no free user network left");
  }

  function remove(net: UserNet): void {
    // Deleting the namespace takes its veth pair with it (once no process is left in it).
    try {
      run(ip, ["netns", "del", net.name]);
    } catch {
      // already gone
    }
    try {
      run(ip, ["link", "del", net.hostIf]);
    } catch {
      // gone with the namespace
    }
  }

  const failed = new Set<number>();
  const netns: UserNetns = {
    on: true,
    line: netnsReport({ eligible: true, why: null, problem: null }).line,
    ensure(uid) {
      const known = state.byUid.get(uid);
      if (known) return known;
      if (failed.has(uid)) return null;
      // Before the server listens its port is not known: nothing is made (nor remembered as failed) yet.
      if (!portsKnown(options.vmPorts())) return null;
      try {
        const net = make();
        state.byUid.set(uid, net);
        state.byIndex.set(net.index, net);
        return net;
      } catch (error) {
        failed.add(uid);
        console.warn(`vm: could not make the network namespace of uid ${uid}, its agent shares the VM's network: ${errorText(error)}`);
        return null;
      }
    },
    close() {
      if (active === state) active = null;
      for (const net of state.byUid.values()) remove(net);
      state.byUid.clear();
      state.byIndex.clear();
      if (tableMade) {
        try {
          run(nft, ["delete", "table", "inet", table]);
        } catch {
          // already gone
        }
      }
    },
  };
  active = state;
  return netns;
}

/**
 * `bin args` as it must be spawned for `ids`: through nsenter into the uid's namespace (then no ids
 * for spawn: nsenter switches), else as given. `make`: an agent's own process (the CLI, a preview
 * server) makes the namespace when it has none yet; the server's short children only use one.
 */
export function userSpawnOf(
  ids: { uid: number; gid: number } | null,
  bin: string,
  args: readonly string[],
  make = false,
): { bin: string; args: string[]; ids: { uid?: number; gid?: number } } {
  const net = ids && active ? (make ? active.ensure(ids.uid) : active.byUid.get(ids.uid)) : undefined;
  if (!ids || !net || !active) return { bin, args: [...args], ids: ids ? { uid: ids.uid, gid: ids.gid } : {} };
  return { ...inNetnsCommand(active.nsenter, net, ids, bin, args), ids: {} };
}

/** The address the VM reaches the uid's loopback at (its namespace's, DNAT'ed to 127.0.0.1 inside), else 127.0.0.1. */
export function loopbackOfUid(uid: number | null | undefined): string {
  const net = uid !== null && uid !== undefined ? active?.byUid.get(uid) : undefined;
  return net?.nsAddress ?? "127.0.0.1";
}

/**
 * `/proc/net/tcp` and `tcp6` as seen where a connection to the VM came from: a user's namespace
 * (the peer's address is its own) or the VM's. Read inside the namespace by one root child.
 */
export async function tcpTablesOfPeer(remoteAddress: string | undefined): Promise<string> {
  const index = netIndexOfAddress(remoteAddress);
  const net = index === null ? undefined : active?.byIndex.get(index);
  if (!net || !active) return `${readText("/proc/net/tcp")}\n${readText("/proc/net/tcp6")}`;
  const nsenter = active.nsenter;
  return new Promise((resolve) => {
    execFile(nsenter, [`--net=${net.path}`, "--", "cat", "/proc/net/tcp", "/proc/net/tcp6"], { encoding: "utf8", timeout: 5_000 }, (error, stdout) => resolve(error ? "" : stdout));
  });
}
