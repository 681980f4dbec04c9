// Shared mode (one VM for everyone): an idle user's parts stream to R2 and are checked, and only
// then does the VM delete the user's directory (DELETE /users/:user/data); the next message brings
// them back onto the same VM, says so once, and is answered once. A VM refusing the delete keeps
// the archive and is asked again; nothing is called removed before the archive is checked.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ArchiveManifestSchema } from "../../src/archive/archive-keys";
import { toHex } from "../../src/shared/encoding";
import { ARCHIVE_RESTORING } from "../../src/archive/archive-replies";
import type { StandInRequest } from "../stand-ins/vm-stand-in-types";
import { ask, bodies, eventually, sentTo, vmRequests } from "../worker/helpers";
import { archiveKeys, archiveRow } from "../worker-archive/helpers";

const of = (requests: StandInRequest[], kind: StandInRequest["kind"]) => requests.filter((r) => r.kind === kind);

/** The archive's manifest in R2, every part it names checked against it, and when the manifest was written. */
async function checkedArchive(phone: string): Promise<{ manifestKey: string; writtenAt: number; partNames: string[] }> {
  const manifestKey = (await archiveKeys(phone)).find((k) => k.endsWith("/manifest.json"));
  expect(manifestKey).toBeDefined();
  const object = (await env.ARCHIVE!.get(manifestKey!))!;
  const manifest = ArchiveManifestSchema.parse(await object.json());
  expect(manifest.parts.length).toBeGreaterThan(0);
  for (const part of manifest.parts) {
    const stored = await env.ARCHIVE!.head(manifestKey!.replace(/manifest\.json$/, `parts/${part.name}`));
    expect(stored?.size, part.name).toBe(part.bytes);
    expect(toHex(new Uint8Array(stored!.checksums.sha256!)), part.name).toBe(part.sha256);
  }
  return { manifestKey: manifestKey!, writtenAt: object.uploaded.getTime(), partNames: manifest.parts.map((p) => p.name) };
}

async function setFault(phone: string, fault: { refuseRemoves: number }): Promise<void> {
  const res = await fetch(`${env.VM_URL}/__stand-in/archive-fault`, { method: "POST", body: JSON.stringify({ userId: phone, ...fault }) });
  expect(res.status).toBe(200);
}

describe("archiving an idle user off the shared VM", () => {
  it("deletes their directory only after the archive is checked, and brings them back with the next message", async () => {
    const phone = "+15550000396";
    expect(await ask(phone, "hello before the archive")).toBe("echo: hello before the archive");

    await eventually(async () => (await archiveRow(phone))?.status === "archived", 30_000);
    const { manifestKey, writtenAt, partNames } = await checkedArchive(phone);
    const archived = await vmRequests(phone);
    const reads = of(archived, "archive-part-read");
    expect(reads.map((r) => r.status)).toEqual(partNames.map(() => 200));
    const removes = of(archived, "archive-remove-data");
    expect(removes.map((r) => r.status)).toEqual([200]);
    // The delete came after the last part was read out (recorded in order) and the manifest written.
    expect(archived.findIndex((r) => r.kind === "archive-remove-data")).toBeGreaterThan(archived.findLastIndex((r) => r.kind === "archive-part-read"));
    expect(removes[0]!.at).toBeGreaterThanOrEqual(Math.max(...reads.map((r) => r.at)));
    expect(removes[0]!.at).toBeGreaterThanOrEqual(writtenAt);

    // The next message: told once, the parts put back and restored on the same VM, answered once.
    const before = (await sentTo(phone)).length;
    const seen = archived.length;
    expect(await ask(phone, "back after a while")).toBe(ARCHIVE_RESTORING);
    await eventually(async () => bodies(await sentTo(phone)).includes("echo: back after a while"), 30_000);
    expect(bodies((await sentTo(phone)).slice(before))).toEqual([ARCHIVE_RESTORING, "echo: back after a while"]);
    const restored = (await vmRequests(phone)).slice(seen);
    expect(of(restored, "archive-part-put").map((r) => r.status)).toEqual(partNames.map(() => 201));
    expect(of(restored, "archive-restore-call").map((r) => r.status)).toEqual([200]);
    expect(of(restored, "archive-restore")).toHaveLength(1);
    // Put back before the restore, and the restore before the message's run.
    const kinds = restored.map((r) => r.kind);
    expect(kinds.lastIndexOf("archive-part-put")).toBeLessThan(kinds.indexOf("archive-restore-call"));
    expect(kinds.indexOf("archive-restore-call")).toBeLessThan(kinds.indexOf("start"));
    expect(of(restored, "archive-remove-data")).toEqual([]);

    // Used after the restore: that archive leaves R2.
    await eventually(async () => !(await archiveKeys(phone)).includes(manifestKey), 15_000);
  });

  it("the VM refusing the delete (409 user_busy): the archive kept, nothing called removed, deleted at the retry", async () => {
    const phone = "+15550000397";
    // Set before the first message: a slow run must not let the archive's delete come first.
    await setFault(phone, { refuseRemoves: 2 });
    expect(await ask(phone, "hello")).toBe("echo: hello");

    const failed = await eventually(async () => {
      const row = await archiveRow(phone);
      return row?.last_error?.startsWith("discard:") && row;
    }, 30_000);
    expect(failed.status).toBe("checked");
    expect(failed.last_error).toContain("409");
    expect(failed.retry_at).toBeGreaterThan(Date.now());
    const { manifestKey, writtenAt } = await checkedArchive(phone);
    const refused = of(await vmRequests(phone), "archive-remove-data");
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.every((r) => r.status === 409 && r.at >= writtenAt)).toBe(true);

    await eventually(async () => (await archiveRow(phone))?.status === "archived", 40_000);
    expect((await archiveRow(phone))!.last_error).toBeNull();
    const removes = of(await vmRequests(phone), "archive-remove-data");
    expect(removes.map((r) => r.status)).toEqual([409, 409, 200]);
    expect(removes.every((r) => r.at >= writtenAt)).toBe(true);
    // The same archive, checked before the first delete asked, is the one kept.
    expect((await checkedArchive(phone)).manifestKey).toBe(manifestKey);
  });
});
