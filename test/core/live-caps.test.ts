// How many live pages stay open: the oldest beyond a link's cap, then beyond the phone's, close
// first, each named with its reason; table-tested.
import { describe, expect, it } from "vitest";
import { crowdedReason, socketsToClose } from "../../src/web/live-caps";

const held = (...sockets: [string, string | null, number][]) => sockets.map(([socket, link, openedAt]) => ({ socket, link, openedAt }));
const caps = { perLink: 2, perUser: 3 };

describe("socketsToClose", () => {
  it.each<[string, ReturnType<typeof held>, string, { socket: string; why: string }[]]>([
    ["nothing open: nothing closes", held(), "A", []],
    ["within both caps: nothing closes", held(["a1", "A", 1], ["b1", "B", 2]), "A", []],
    ["the link's cap: its oldest goes, not another link's older one", held(["b1", "B", 1], ["a1", "A", 2], ["a2", "A", 3]), "A", [{ socket: "a1", why: "link" }]],
    ["listed in any order: the oldest by time", held(["a3", "A", 30], ["a1", "A", 10], ["a2", "A", 20]), "A", [{ socket: "a2", why: "link" }, { socket: "a1", why: "link" }]],
    ["the phone's cap: the oldest of any link", held(["b1", "B", 1], ["c1", "C", 2], ["d1", "D", 3]), "A", [{ socket: "b1", why: "user" }]],
    ["both: the link's first, then the phone's among the rest", held(["b1", "B", 1], ["a1", "A", 2], ["a2", "A", 3], ["c1", "C", 4]), "A", [{ socket: "a1", why: "link" }, { socket: "b1", why: "user" }]],
    ["a socket from before links were named counts for the phone, as the oldest", held(["old", null, 0], ["b1", "B", 5], ["c1", "C", 6]), "A", [{ socket: "old", why: "user" }]],
    ["a tie in time: the one listed first goes", held(["a1", "A", 5], ["a2", "A", 5]), "A", [{ socket: "a1", why: "link" }]],
  ])("%s", (_name, open, link, closing) => {
    expect(socketsToClose(open, link, caps)).toEqual(closing);
  });

  it("keeps exactly the caps however many are open (the newest stay)", () => {
    const open = held(...Array.from({ length: 1000 }, (_, i) => [`s${i}`, i % 2 ? "A" : "B", i] as [string, string, number]));
    const closing = new Set(socketsToClose(open, "A", { perLink: 5, perUser: 20 }).map((c) => c.socket));
    const left = open.filter((h) => !closing.has(h.socket));
    expect(left.filter((h) => h.link === "A")).toHaveLength(4);
    expect(left).toHaveLength(19);
    // The link's four newest (odd times), then the newest of the rest: B's every other time below them.
    expect(left.map((h) => h.openedAt).sort((a, b) => b - a)).toEqual([999, 998, 997, 996, 995, 994, 993, 992, 990, 988, 986, 984, 982, 980, 978, 976, 974, 972, 970]);
  });

  it("says why, within a close frame's 123 bytes", () => {
    for (const why of ["link", "user"] as const) expect(new TextEncoder().encode(crowdedReason(why, { perLink: 9999, perUser: 9999 })).length).toBeLessThanOrEqual(123);
    expect(crowdedReason("link", caps)).toBe("this link is open on more than 2 pages");
  });
});
