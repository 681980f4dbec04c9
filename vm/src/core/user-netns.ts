// A network namespace per user on the shared VM, the pure part: its name, its veth pair and /30,
// the nftables rules on both sides, the command that starts a process in it as the user, and the
// VM's start line. Why a namespace: each one has a loopback of its own, so a server a user's run
// opens on 127.0.0.1 is out of every other user's reach (docs/vm.md, what the agent can reach).
// The ways in and out, all kernel rules, no process per user:
// - the VM's own ports (its routes, the credential proxy) keep their 127.0.0.1 address inside:
//   the namespace's output DNAT sends them over the veth to the host side, whose prerouting DNAT
//   gives them to the VM's loopback (`route_localnet` on both ends lets 127.0.0.1 cross);
// - the internet through the host side: a default route, the host's masquerade, forwarding on;
// - the preview proxy (the VM server, host side) connects to the namespace's address, whose
//   prerouting DNAT hands it to the namespace's 127.0.0.1, where a dev server listens;
// - between users' veths nothing is forwarded, and from a veth the host's loopback gives only the VM's ports.

/** The range the /30s come from: 10.213.0.0/16, 16,384 users. */
const BASE = (10 << 24) | (213 << 16);
export const NETNS_RANGE = "10.213.0.0/16";
/** The same /30s as /126s of a unique local /64, for IPv6 (a resolver such as Fly's fdaa::3 is IPv6 only). */
export const NETNS_RANGE6 = "fd72:656c:6179::/64";
export const NETNS_MAX = 1 << 14;
/** Host-side veth names start with it (the forward rule drops traffic between any two of them). */
export const HOST_IF_PREFIX = "rlh";

export type UserNet = {
  index: number;
  /** `ip netns` name, and its file under /run/netns. */
  name: string;
  path: string;
  hostIf: string;
  nsIf: string;
  /** The host side's address (the namespace's gateway) and the namespace's own. */
  hostAddress: string;
  nsAddress: string;
  hostAddress6: string;
  nsAddress6: string;
};

const dotted = (n: number) => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join(".");
const inRange6 = (n: number) => `${NETNS_RANGE6.split("::")[0]}::${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`;

/**
 * A server's namespaces are named `relay-<tag>-u<index>`, its tag `<pid>_<random hex>`: one left by
 * a server that died is known as such, and servers in pid namespaces of their own (the same pid) never share a name.
 */
export function userNetOf(index: number, serverTag: string): UserNet {
  if (!Number.isInteger(index) || index < 0 || index >= NETNS_MAX) throw new Error(`no user network ${index} in ${NETNS_RANGE}`);
  const name = `relay-${serverTag}-u${index}`;
  return {
    index,
    name,
    path: `/run/netns/${name}`,
    hostIf: `${HOST_IF_PREFIX}${index}`,
    nsIf: `rln${index}`,
    hostAddress: dotted(BASE + index * 4 + 1),
    nsAddress: dotted(BASE + index * 4 + 2),
    hostAddress6: inRange6(index * 4 + 1),
    nsAddress6: inRange6(index * 4 + 2),
  };
}

/** The index of a namespace's own address (`10.213.0.6`, or `::ffff:10.213.0.6` as Node names it), else null. */
export function netIndexOfAddress(address: string | undefined): number | null {
  const match = /^(?:::ffff:)?(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/i.exec(address ?? "");
  if (!match) return null;
  const [a, b, c, d] = match.slice(1).map(Number) as [number, number, number, number];
  if (a !== 10 || b !== 213 || c > 255 || d > 255) return null;
  const offset = (c << 8) | d;
  return offset % 4 === 2 ? Math.floor(offset / 4) : null;
}

/**
 * `ip -batch` lines, run in the host's namespace once the veth pair is made (its creation claims the
 * index: two servers never take the same): the namespace, one end moved in, the host side up.
 */
export function hostLinkBatch(net: UserNet): string {
  return [
    `netns add ${net.name}`,
    `link set ${net.nsIf} netns ${net.name}`,
    `addr add ${net.hostAddress}/30 dev ${net.hostIf}`,
    `addr add ${net.hostAddress6}/126 dev ${net.hostIf} nodad`,
    `link set ${net.hostIf} up`,
  ].join("\n");
}

/**
 * One `sh` script run inside the namespace: loopback, its veth end and default routes (`ip -batch`),
 * 127.0.0.1 allowed across its veth (`route_localnet`), then its table.
 */
export function nsSetupScript(net: UserNet, vmPorts: readonly number[]): string {
  return [
    `ip -batch - <<'RELAY_IP'`,
    nsLinkBatch(net),
    "RELAY_IP",
    `echo 1 > /proc/sys/net/ipv4/conf/all/route_localnet && echo 1 > /proc/sys/net/ipv4/conf/${net.nsIf}/route_localnet`,
    `nft -f - <<'RELAY_NFT'`,
    nsTable(net, vmPorts),
    "RELAY_NFT",
  ].join("\n");
}

/** `ip -batch` lines, run inside the namespace: loopback, its veth end, the default route. */
export function nsLinkBatch(net: UserNet): string {
  return [
    `link set lo up`,
    `addr add ${net.nsAddress}/30 dev ${net.nsIf}`,
    `addr add ${net.nsAddress6}/126 dev ${net.nsIf} nodad`,
    `link set ${net.nsIf} up`,
    `route add default via ${net.hostAddress}`,
    `route add default via ${net.hostAddress6}`,
  ].join("\n");
}

const portSet = (ports: readonly number[]) => `{ ${[...new Set(ports)].sort((a, b) => a - b).join(", ")} }`;

/**
 * The namespace's own table: the VM's ports on 127.0.0.1 go to the host side; what comes in from the
 * host side (the preview proxy) goes to the namespace's 127.0.0.1; nothing else comes in on the veth.
 */
export function nsTable(net: UserNet, vmPorts: readonly number[]): string {
  return `table ip relay_user {
  chain output { type nat hook output priority -100; ip daddr 127.0.0.1 tcp dport ${portSet(vmPorts)} dnat to ${net.hostAddress}; }
  chain postrouting { type nat hook postrouting priority 100; oifname "${net.nsIf}" ip saddr 127.0.0.0/8 snat to ${net.nsAddress}; }
  chain prerouting { type nat hook prerouting priority -100; iifname "${net.nsIf}" ip saddr ${net.hostAddress} ip daddr ${net.nsAddress} tcp dport != 0 dnat to 127.0.0.1; }
  chain input { type filter hook input priority 0; policy accept;
    iifname "${net.nsIf}" ct state established,related accept
    iifname "${net.nsIf}" ip saddr ${net.hostAddress} tcp dport != 0 accept
    iifname "${net.nsIf}" drop
  }
}
table ip6 relay_user6 {
  chain input { type filter hook input priority 0; policy accept;
    iifname "${net.nsIf}" ct state established,related accept
    iifname "${net.nsIf}" icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert, nd-router-advert } accept
    iifname "${net.nsIf}" drop
  }
}
`;
}

/**
 * The host's table for one VM server (named per server, so servers side by side never drop each
 * other's traffic): from its veths, the VM's ports on any of the host's addresses are given to its
 * loopback; the rest of loopback and every veth's address are refused; what leaves for the internet
 * (or the host's own public address, as from outside) is masqueraded; never another user's veth.
 * On the host's side only root's sockets (the VM server, its browser) open a namespace's address:
 * an agent left on the VM's network (its namespace could not be made), or the server's git as
 * its own uid, reaches no user's loopback.
 */
export function hostTable(table: string, vmPorts: readonly number[]): string {
  return `table inet ${table} {
  set veths { type ifname; }
  chain prerouting { type nat hook prerouting priority -100; iifname @veths tcp dport ${portSet(vmPorts)} fib daddr type local dnat ip to 127.0.0.1; }
  chain input { type filter hook input priority 0; policy accept;
    iifname @veths ct state established,related accept
    iifname @veths ct status dnat ip daddr 127.0.0.1 tcp dport ${portSet(vmPorts)} accept
    iifname @veths ip daddr { 127.0.0.0/8, ${NETNS_RANGE} } drop
    iifname @veths icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert, nd-router-solicit } accept
    iifname @veths ip6 daddr { ::1, ${NETNS_RANGE6}, fe80::/10 } drop
  }
  chain output { type filter hook output priority 0; policy accept;
    ip daddr ${NETNS_RANGE} meta skuid != 0 drop
    ip6 daddr ${NETNS_RANGE6} meta skuid != 0 drop
  }
  chain forward { type filter hook forward priority 0; policy accept;
    iifname "${HOST_IF_PREFIX}*" oifname "${HOST_IF_PREFIX}*" drop
    oifname @veths ct state established,related accept
    oifname @veths drop
  }
  chain postrouting { type nat hook postrouting priority 100;
    ip saddr ${NETNS_RANGE} oifname != "${HOST_IF_PREFIX}*" masquerade
    ip6 saddr ${NETNS_RANGE6} oifname != "${HOST_IF_PREFIX}*" masquerade
  }
}
`;
}

/** `bin args` started in the namespace as `ids` (nsenter, run as root, enters it and then drops to the user). */
export function inNetnsCommand(nsenter: string, net: UserNet, ids: { uid: number; gid: number } | null, bin: string, args: readonly string[]): { bin: string; args: string[] } {
  const as = ids ? [`--setgid=${ids.gid}`, `--setuid=${ids.uid}`] : [];
  return { bin: nsenter, args: [`--net=${net.path}`, ...as, "--", bin, ...args] };
}

/** The server pids named by leftover namespaces (`ip netns list`) and tables (`nft list tables`). */
export function serverPidsNamed(netnsList: string, tableList: string): { namespaces: Map<string, number>; tables: Map<string, number> } {
  const namespaces = new Map<string, number>();
  for (const match of netnsList.matchAll(/^(relay-(\d+)_[0-9a-f]+-u\d+)\b/gm)) namespaces.set(match[1] as string, Number(match[2]));
  const tables = new Map<string, number>();
  for (const match of tableList.matchAll(/^table inet (relay_netns_(\d+)_[0-9a-f]+)$/gm)) tables.set(match[1] as string, Number(match[2]));
  return { namespaces, tables };
}

export type NetnsFacts = { eligible: boolean; why: string | null; problem: string | null };

/** The VM's start line about the users' networks, and whether to make them. */
export function netnsReport(facts: NetnsFacts): { on: boolean; line: string } {
  if (!facts.eligible) return { on: false, line: `vm: users' agents share the VM's network (loopback included): ${facts.why ?? "agents do not run as uids of their own"}` };
  if (facts.problem) return { on: false, line: `vm: users' agents share the VM's network (loopback included), so one user's agent can connect to a server another user's run opened on 127.0.0.1: ${facts.problem}` };
  return { on: true, line: `vm: each user's agent runs in a network namespace of its own (a veth pair each, in ${NETNS_RANGE} and ${NETNS_RANGE6}): no user reaches another's loopback; the VM's ports and the internet stay reachable` };
}
