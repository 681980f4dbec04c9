// The users' network namespaces, the pure part: each index's /30 and names, which connection
// comes from which namespace, what a dead server left, and the command that enters one as the user.
import { describe, expect, it } from "vitest";
import { hostTable, inNetnsCommand, netIndexOfAddress, netnsReport, nsTable, serverPidsNamed, userNetOf } from "../../src/core/user-netns";

describe("a user's network", () => {
  it("gives each index its own /30 of 10.213.0.0/16, the host side .1 and the namespace .2", () => {
    expect(userNetOf(0, "42_a1b2c3")).toEqual({
      index: 0,
      name: "relay-42_a1b2c3-u0",
      path: "/run/netns/relay-42_a1b2c3-u0",
      hostIf: "rlh0",
      nsIf: "rln0",
      hostAddress: "10.213.0.1",
      nsAddress: "10.213.0.2",
      hostAddress6: "fd72:656c:6179::0:1",
      nsAddress6: "fd72:656c:6179::0:2",
    });
    expect(userNetOf(65, "42_a1")).toMatchObject({ hostAddress: "10.213.1.5", nsAddress: "10.213.1.6" });
    expect(userNetOf(16_383, "42_a1")).toMatchObject({ hostAddress: "10.213.255.253", nsAddress: "10.213.255.254", nsAddress6: "fd72:656c:6179::0:fffe" });
    expect(() => userNetOf(16_384, "42_a1")).toThrow(/no user network/);
  });

  it("knows a namespace by its own address only, as Node names it too", () => {
    expect(netIndexOfAddress("10.213.1.6")).toBe(65);
    expect(netIndexOfAddress("::ffff:10.213.0.2")).toBe(0);
    // The host side's address, another range, loopback, IPv6 and nothing: no namespace's.
    for (const other of ["10.213.0.1", "10.214.0.2", "127.0.0.1", "::1", "fd00::2", undefined]) expect(netIndexOfAddress(other)).toBeNull();
  });

  it("names the servers whose namespaces and tables are listed", () => {
    const named = serverPidsNamed("relay-12_ab-u0 (id: 1)\nrelay-12_ab-u3\nother\nrelay-probe-9_ab\n", "table inet relay_netns_12_ab\ntable ip nat\ntable inet relay_netns_77_f0\n");
    expect([...named.namespaces]).toEqual([["relay-12_ab-u0", 12], ["relay-12_ab-u3", 12]]);
    expect([...named.tables]).toEqual([["relay_netns_12_ab", 12], ["relay_netns_77_f0", 77]]);
  });

  it("enters the namespace with nsenter, which then drops to the user's ids", () => {
    const net = userNetOf(2, "7_ff");
    expect(inNetnsCommand("/usr/bin/nsenter", net, { uid: 20001, gid: 20001 }, "perl", ["-e", "x", "--", "claude"])).toEqual({
      bin: "/usr/bin/nsenter",
      args: ["--net=/run/netns/relay-7_ff-u2", "--setgid=20001", "--setuid=20001", "--", "perl", "-e", "x", "--", "claude"],
    });
  });

  it("lets only the VM's ports out of the namespace's loopback, and only the host side in", () => {
    const table = nsTable(userNetOf(1, "7_ff"), [8080, 3000, 8080]);
    expect(table).toContain("ip daddr 127.0.0.1 tcp dport { 3000, 8080 } dnat to 10.213.0.5");
    expect(table).toContain('iifname "rln1" ip saddr 10.213.0.5 ip daddr 10.213.0.6 tcp dport != 0 dnat to 127.0.0.1');
    expect(table).toContain('iifname "rln1" drop');
    const host = hostTable("relay_netns_7", [8080]);
    expect(host).toContain('iifname "rlh*" oifname "rlh*" drop');
    expect(host).toContain("iifname @veths ip daddr { 127.0.0.0/8, 10.213.0.0/16 } drop");
    expect(host).toContain("ip daddr 10.213.0.0/16 meta skuid != 0 drop");
  });

  it("says on the start line whether the namespaces are made, and why not", () => {
    expect(netnsReport({ eligible: true, why: null, problem: null })).toMatchObject({ on: true, line: expect.stringMatching(/network namespace of its own/) });
    expect(netnsReport({ eligible: true, why: null, problem: "nft not installed" })).toMatchObject({ on: false, line: expect.stringMatching(/connect to a server another user's run opened .*: nft not installed$/) });
    expect(netnsReport({ eligible: false, why: "AGENT_UIDS=off", problem: null })).toMatchObject({ on: false, line: expect.stringMatching(/share the VM's network .*AGENT_UIDS=off$/) });
  });
});
