// An idle user is archived to R2 (ARCHIVE_AFTER_DAYS, 2.6 s here): their parts and a manifest
// under their own prefix, then the Machine and volume deleted; the next message brings them back
// onto a new Machine, says so once, and is answered once; an archive is used, then dropped.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ArchiveManifestSchema, archiveUserPrefix } from "../../src/archive/archive-keys";
import { toHex } from "../../src/shared/encoding";
import { ARCHIVE_TEST_PHONES } from "./archive-env";
import { ARCHIVE_RESTORING } from "../../src/archive/archive-replies";
import { exports } from "cloudflare:workers";
import { ask, bodies, eventually, sentTo } from "../worker/helpers";
import { machinesOf, volumesOf } from "../worker-machines/fly-helpers";
import { archiveKeys, archiveRow, machineRequests } from "./helpers";

describe("archiving an idle user", () => {
  it("moves their files to R2, deletes the Machine and volume, and brings them back with the next message", async () => {
    const phone = "+15550000380";
    expect(await ask(phone, "hello before the archive")).toBe("echo: hello before the archive");
    const [volume] = await volumesOf(phone);
    expect(volume).toBeDefined();

    await eventually(async () => (await archiveRow(phone))?.status === "archived", 30_000);
    expect(await machinesOf(phone)).toEqual([]);
    expect(await volumesOf(phone)).toEqual([]);

    // The manifest and every part it names, under this user's prefix, each as declared.
    const keys = await archiveKeys(phone);
    const manifestKey = keys.find((k) => k.endsWith("/manifest.json"))!;
    const manifest = ArchiveManifestSchema.parse(await (await env.ARCHIVE!.get(manifestKey))!.json());
    expect(manifest.parts.length).toBeGreaterThan(0);
    for (const part of manifest.parts) {
      const stored = await env.ARCHIVE!.head(manifestKey.replace(/manifest\.json$/, `parts/${part.name}`));
      expect(stored?.size).toBe(part.bytes);
      expect(toHex(new Uint8Array(stored!.checksums.sha256!))).toBe(part.sha256);
    }
    // The archive is this user's alone: under no other user's prefix, and no route of the Worker serves it.
    const own = await archiveUserPrefix(phone);
    expect(keys.every((k) => k.startsWith(own))).toBe(true);
    for (const other of ARCHIVE_TEST_PHONES.filter((p) => p !== phone)) {
      const theirs = await archiveUserPrefix(other);
      expect(keys.some((k) => k.startsWith(theirs))).toBe(false);
    }
    for (const path of [`/media/${manifestKey}`, `/web/${manifestKey}`, `/${manifestKey}`]) {
      const res = await exports.default.fetch(new Request(`https://relay.test${path}`));
      expect(res.status, path).toBe(404);
      await res.body?.cancel();
    }
    const row = (await archiveRow(phone))!;
    expect(row).toMatchObject({ bytes: manifest.parts.reduce((n, p) => n + p.bytes, 0), last_error: null });

    // The next message: told once, restored onto a new Machine and volume, then answered once.
    const before = (await sentTo(phone)).length;
    expect(await ask(phone, "back after a while")).toBe(ARCHIVE_RESTORING);
    await eventually(async () => bodies(await sentTo(phone)).includes("echo: back after a while"), 30_000);
    const after = bodies((await sentTo(phone)).slice(before));
    expect(after).toEqual([ARCHIVE_RESTORING, "echo: back after a while"]);
    const [machine] = await machinesOf(phone);
    expect(machine?.state).toBe("started");
    expect(await volumesOf(phone)).toHaveLength(1);
    // The new Machine got the workspace and session the old one had.
    const restores = (await machineRequests(phone)).filter((r) => r.kind === "archive-restore");
    expect(restores).toHaveLength(1);
    expect(restores[0]!.restored).toEqual({ workspaces: ["main"], sessions: 1 });

    // Used after the restore: that archive leaves R2.
    await eventually(async () => !(await archiveKeys(phone)).includes(manifestKey), 15_000);
  });
});
