// No input reaches outside DATA_DIR: user ids are hashed (keyed) into directory names, run ids are
// checked by the protocol's pattern and again where files are opened.
import { existsSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { resolveInside, runFileOf, userKeyOf, userPathsOf } from "../src/users/user-paths";
import { useHarness } from "./helpers/harness";
import { tempDir } from "./helpers/temp-dir";

describe("the filesystem layer", () => {
  const root = "/data";
  const escapes = [["..", "etc"], ["../../etc/passwd"], ["/etc/passwd"], ["users", "..", "..", "x"], [""], ["."]];
  for (const segments of escapes) {
    it(`refuses ${JSON.stringify(segments)}`, () => expect(() => resolveInside(root, ...segments)).toThrow(/escapes/));
  }
  it("allows a path strictly inside", () => expect(resolveInside(root, "users", "abc")).toBe("/data/users/abc"));

  for (const runId of ["../x", "a/b", "..", "", "x".repeat(81), "run\u0000id", "%2e%2e"]) {
    it(`refuses run id ${JSON.stringify(runId)}`, () => expect(() => runFileOf(root, runId, "ndjson")).toThrow(/invalid run id/));
  }

  it("names a user's directories by a keyed hash of the id, whatever it contains", () => {
    const dataDir = tempDir("vm-traversal-");
    const paths = userPathsOf(dataDir, "../../etc");
    expect(paths.key).toMatch(/^[0-9a-f]{64}$/);
    expect(paths.home).toBe(`${dataDir}/users/${userKeyOf(dataDir, "../../etc")}/home`);
  });
});

describe("through HTTP", () => {
  const h = useHarness();

  it("keeps a traversal user id inside DATA_DIR/users", async () => {
    const events = await (await h.startRun({ userId: "../../../../tmp/escape", text: "hi" })).end();
    expect(events.at(-1)).toMatchObject({ type: "done" });
    expect(readdirSync(join(h.dataDir, "users"))).toEqual([userKeyOf(h.dataDir, "../../../../tmp/escape")]);
    expect(existsSync(resolve(h.dataDir, "../../../../tmp/escape"))).toBe(false);
  });

  it("refuses run ids with slashes or dots in every route", async () => {
    const body = { runId: "../escape", userId: "+15550000600", sessionId: null, messages: [{ id: "m1", text: "hi" }] };
    expect((await h.call("POST", "/v1/runs", body)).status).toBe(400);
    expect((await h.call("POST", "/v1/runs", { ...body, runId: "a/b" })).status).toBe(400);
    expect((await h.call("GET", "/v1/runs/..%2F..%2Fetc/events")).status).toBe(400);
    expect((await h.call("POST", "/v1/runs/..%2Fx/cancel")).status).toBe(400);
    expect((await h.call("POST", "/v1/runs/..%2Fx/input", { messages: [{ id: "m", text: "t" }] })).status).toBe(400);
    expect(h.spawns).toHaveLength(1);
  });
});
