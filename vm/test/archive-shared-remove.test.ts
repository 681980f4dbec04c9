// A shared VM's copy of a user removed once the relay holds their archive (never while a run is
// open), prepared parts cleared, and the archive routes' refusals: no token, a bad name or header.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { ARCHIVE_ROUTES, ARCHIVE_SHA256_HEADER, ArchivePartsSchema } from "../../src/protocol/vm/archive";
import { VM_ROUTES, VmErrorBodySchema } from "../../src/protocol/vm/routes";
import { userPathsOf } from "../src/users/user-paths";
import { TOKEN, useHarness } from "./helpers/harness";

const h = useHarness({ warmSessionMs: 0 });
const userId = "+15550000391";
const neighbour = "+15550000392";

it("removes one user's directory after their archive, refusing while a run is open", async () => {
  for (const id of [userId, neighbour]) expect((await h.call("POST", VM_ROUTES.workspaces, { userId: id, workspace: "notes" })).status).toBe(201);
  const { parts } = ArchivePartsSchema.parse(await (await h.call("POST", ARCHIVE_ROUTES.archive(userId))).json());
  expect(parts.map((p) => p.name)).toEqual(["workspace-notes.tar", "sessions.tar", "settings.json"]);

  const live = await h.startRun({ userId, workspace: "notes", text: "slow [[slow 3000]]" });
  await live.waitFor((e) => e.type === "session");
  const busy = await h.call("DELETE", ARCHIVE_ROUTES.data(userId));
  expect(busy.status).toBe(409);
  expect(VmErrorBodySchema.parse(await busy.json()).error).toBe("user_busy");
  await live.end();
  const root = userPathsOf(h.dataDir, userId).root;
  expect(existsSync(root)).toBe(true);

  expect(await (await h.call("DELETE", ARCHIVE_ROUTES.data(userId))).json()).toEqual({ removed: true });
  expect(existsSync(root)).toBe(false);
  expect(existsSync(join(h.dataDir, ".archive", userPathsOf(h.dataDir, userId).key))).toBe(false);
  // The other user of the shared VM keeps everything.
  expect(existsSync(userPathsOf(h.dataDir, neighbour).root)).toBe(true);
  expect(await (await h.call("DELETE", ARCHIVE_ROUTES.data(userId))).json()).toEqual({ removed: false });
});

it("clears prepared parts, and refuses a request without the token, a bad part name or sha256", async () => {
  expect((await h.call("POST", ARCHIVE_ROUTES.archive(neighbour))).status).toBe(200);
  expect((await h.call("GET", ARCHIVE_ROUTES.part(neighbour, "settings.json"))).status).toBe(200);
  expect((await h.call("GET", ARCHIVE_ROUTES.part(neighbour, "settings.json"), undefined, null)).status).toBe(401);
  expect((await h.call("POST", ARCHIVE_ROUTES.archive(neighbour), undefined, null)).status).toBe(401);
  expect(await (await h.call("DELETE", ARCHIVE_ROUTES.archive(neighbour))).json()).toEqual({ cleared: true });
  const gone = await h.call("GET", ARCHIVE_ROUTES.part(neighbour, "settings.json"));
  expect(gone.status).toBe(404);
  expect(VmErrorBodySchema.parse(await gone.json()).error).toBe("unknown_part");
  expect((await h.call("GET", ARCHIVE_ROUTES.part(neighbour, ".hidden"))).status).toBe(400);
  const noSum = await fetch(`${h.vm.url}${ARCHIVE_ROUTES.part(neighbour, "settings.json")}`, { method: "PUT", headers: { authorization: `Bearer ${TOKEN}`, [ARCHIVE_SHA256_HEADER]: "abc" }, body: "{}" });
  expect(noSum.status).toBe(400);
  expect(VmErrorBodySchema.parse(await noSum.json()).message).toContain("x-sha256 must be");
  const stray = await fetch(`${h.vm.url}${ARCHIVE_ROUTES.part(neighbour, "sessions.tar.staged.json")}`, { method: "PUT", headers: { authorization: `Bearer ${TOKEN}`, [ARCHIVE_SHA256_HEADER]: "0".repeat(64) }, body: "{}" });
  expect(stray.status).toBe(400);
  expect(VmErrorBodySchema.parse(await stray.json()).message).toBe("part sessions.tar.staged.json is not one an archive of this VM makes: nothing was kept");
  const badBody = await h.call("POST", ARCHIVE_ROUTES.restore(neighbour), { parts: [] });
  expect(badBody.status).toBe(400);
});
