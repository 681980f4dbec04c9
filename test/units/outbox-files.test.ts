// The outbox unit's files (the agent's send_file) over a real SQLite: copied from the VM before
// their turn, retried with a backoff while the VM does not answer, given up after 15 minutes or
// at once for a final reason (the user told), and sent to the Twilio emulator with their MediaUrl.
// The copy itself is the unit's `files` seam, scripted here: its production form is a closure in
// compose-units.ts over the VM client and R2.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startTwilioEmulator, type RunningEmulator } from "../../emulator/server";
import { createTwilioClient } from "../../src/channels/whatsapp/twilio-client";
import { whatsappChannelClient } from "../../src/channels/whatsapp/channel-client";
import type { OutboxMedia } from "../../src/outbox/outbox-repo";
import { createOutbox, type OutboxFiles } from "../../src/outbox/outbox-unit";
import { ACCOUNT_SID, AUTH_TOKEN, SANDBOX_FROM } from "../emulator/helpers";
import { frozenClock, noLog, setNow, T0, useUnitDb } from "./helpers/unit-db";

const PHONE = "+15550002101";
const STORED = { key: "out/tag/abc", createdAt: T0, contentType: "image/png" };
const t = useUnitDb();
let emulator: RunningEmulator;
beforeAll(async () => {
  emulator = await startTwilioEmulator({ port: 0, accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, statusCallbacks: false });
});
afterAll(() => emulator?.close());
beforeEach(async () => {
  await fetch(`${emulator.url}/__emulator/reset`, { method: "POST" });
  t.repos.messages.insert({ id: "SMin1", body: "hi", media: [], conversationId: 1, now: T0 });
});

type Copy = Awaited<ReturnType<OutboxFiles["copy"]>>;
function outboxWith(copies: Copy[], link: string | null = `${emulator.url}/__emulator/media/ME${"1".repeat(32)}`) {
  const asked: string[] = [];
  const files: OutboxFiles = {
    copy: async (source) => (asked.push(source.fileId), copies.shift() ?? { ok: false, reason: "no more answers scripted", retry: false }),
    link: async () => link,
  };
  const twilio = createTwilioClient({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, from: SANDBOX_FROM, apiBase: emulator.url, messagingApiBase: emulator.url });
  const { repos } = t;
  const whatsapp = whatsappChannelClient({ twilio, quickReply: null, templateSid: null, origin: () => null, clock: frozenClock, log: noLog });
  const outbox = createOutbox({ repo: repos.outbox, settings: repos.settings, messages: repos.messages, user: PHONE, channels: { whatsapp }, files, clock: frozenClock, log: noLog });
  return { outbox, asked };
}
const file: OutboxMedia = { source: { vmRunId: "run-1-1", fileId: "f1", name: "chart.png", contentType: "image/png", size: 2048 } };
const sent = async () =>
  ((await (await fetch(`${emulator.url}/__emulator/messages?to=whatsapp:${PHONE}`)).json()) as { messages: { body: string; media: { url: string }[] }[] }).messages;
const rows = () => t.rows<{ dedupe_key: string; status: string; error_code: string | null; body: string }>("SELECT dedupe_key, status, error_code, body FROM outbox ORDER BY id");

describe("copyFiles, then sendDue", () => {
  it("a copied file goes with its link and caption, in order with the replies", async () => {
    const { outbox, asked } = outboxWith([{ ok: true, stored: STORED }]);
    outbox.add({ dedupeKey: "file:run-1-1:c1", body: "the chart", media: file, now: T0 });
    outbox.add({ dedupeKey: "reply", body: "done", now: T0 });
    // Not before its copy: the head waits.
    await outbox.sendDue(T0);
    expect(await sent()).toEqual([]);
    await outbox.copyFiles(T0);
    await outbox.copyFiles(T0);
    expect(asked).toEqual(["f1"]);
    await outbox.sendDue(T0);
    expect((await sent()).map((m) => [m.body, m.media.map((x) => x.url)])).toEqual([
      ["the chart", [`${emulator.url}/__emulator/media/ME${"1".repeat(32)}`]],
      ["done", []],
    ]);
  });

  it("a VM that does not answer is asked again after a backoff, and for 15 minutes at most", async () => {
    const unreachable: Copy = { ok: false, reason: "the agent VM did not answer", retry: true };
    const { outbox, asked } = outboxWith([unreachable, unreachable, unreachable]);
    outbox.add({ dedupeKey: "file:run-1-1:c1", body: "", media: file, now: T0 });
    await outbox.copyFiles(T0);
    const retryAt = outbox.nextDueAt()!;
    expect(retryAt).toBeGreaterThan(T0);
    expect(rows()[0]).toMatchObject({ status: "pending", error_code: "vm_unreachable" });
    // Before the backoff the VM is not asked again, and the row keeps its time.
    await outbox.copyFiles(retryAt - 1);
    expect(asked).toHaveLength(1);
    expect(outbox.nextDueAt()).toBe(retryAt);
    await outbox.copyFiles(setNow(T0 + 15 * 60_000));
    expect(asked).toHaveLength(2);
    expect(rows()).toEqual([
      expect.objectContaining({ status: "failed", error_code: "file_unavailable" }),
      expect.objectContaining({ dedupe_key: "undelivered:1", body: "⚠️ The agent sent you chart.png, but it could not be passed on: the agent VM did not answer." }),
    ]);
  });

  it("a final reason fails the file at once and tells the user; the rest still goes", async () => {
    const { outbox } = outboxWith([{ ok: false, reason: "the agent VM no longer has the file", retry: false }]);
    outbox.add({ dedupeKey: "file:run-1-1:c1", body: "", media: file, now: T0 });
    outbox.add({ dedupeKey: "reply", body: "done", now: T0 });
    await outbox.copyFiles(T0);
    await outbox.sendDue(T0);
    expect((await sent()).map((m) => m.body)).toEqual(["done", "⚠️ The agent sent you chart.png, but it could not be passed on: the agent VM no longer has the file."]);
    expect(rows()[0]).toMatchObject({ status: "failed", error_code: "file_unavailable" });
  });

  it("a stored file whose link can no longer be made fails as expired, and nothing is sent for it", async () => {
    const { outbox } = outboxWith([{ ok: true, stored: STORED }], null);
    outbox.add({ dedupeKey: "file:run-1-1:c1", body: "old", media: file, now: T0 });
    await outbox.copyFiles(T0);
    await outbox.sendDue(T0);
    expect(await sent()).toEqual([]);
    expect(rows()).toEqual([expect.objectContaining({ status: "failed", error_code: "file_expired" })]);
  });
});
