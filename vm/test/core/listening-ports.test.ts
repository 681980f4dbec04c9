import { describe, expect, it } from "vitest";
import { listeningSocketsOf, portsOwned } from "../../src/core/listening-ports";

// Lines as the kernel writes them (/proc/net/tcp and tcp6), header first.
const TCP = [
  "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode",
  "   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1111 1 0000000000000000 100 0 0 10 0",
  "   1: 0100007F:A4B2 00000000:0000 0A 00000000:00000000 00:00000000 00000000 20001        0 2222 1 0000000000000000 100 0 0 10 0",
  "   2: 0100007F:A4B2 0100007F:D431 01 00000000:00000000 00:00000000 00000000 20001        0 3333 1 0000000000000000 20 4 30 10 -1",
].join("\n");
const TCP6 = [
  "  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode",
  "   0: 00000000000000000000000000000000:0BB8 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000 20002        0 4444 1 0000000000000000 100 0 0 10 0",
].join("\n");

describe("listeningSocketsOf", () => {
  it.each([
    ["tcp: listening sockets only, not an established one", TCP, [{ port: 8080, inode: 1111 }, { port: 42162, inode: 2222 }]],
    ["tcp6", TCP6, [{ port: 3000, inode: 4444 }]],
    ["an empty or unreadable table", "", []],
    ["a line cut short", "header\n   0: 0100007F:1F90 00000000:0000 0A", []],
  ])("%s", (_name, table, expected) => {
    expect(listeningSocketsOf(table)).toEqual(expected);
  });
});

describe("portsOwned", () => {
  const sockets = [...listeningSocketsOf(TCP), ...listeningSocketsOf(TCP6)];
  it.each([
    ["the ports of the inodes held", [2222, 4444], [3000, 42162]],
    ["a connected socket's inode is no listening port", [3333], []],
    ["nothing held", [], []],
  ])("%s", (_name, inodes, expected) => {
    expect(portsOwned(sockets, new Set(inodes))).toEqual(expected);
  });
});
