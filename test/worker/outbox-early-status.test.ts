import { runInDurableObject } from "cloudflare:test";
import { expect, it } from "vitest";
import { createMessagesRepo } from "../../src/messages/messages-repo";
import { createOutboxRepo } from "../../src/outbox/outbox-repo";
import { createSettingsRepo } from "../../src/config/settings-repo";
import { createSql } from "../../src/shared/sql";
import { createOutbox, type Outbox } from "../../src/outbox/outbox-unit";
import { createTwilioClient } from "../../src/channels/whatsapp/twilio-client";
import { whatsappChannelClient } from "../../src/channels/whatsapp/channel-client";
import { stubFor } from "./helpers";

const SID = "SM0123456789abcdef0123456789abcdef";

it("a status callback that arrives before Twilio's answer to the send is applied once the send is recorded", async () => {
  await runInDurableObject(stubFor("+15550000167"), async (_agent, state) => {
    const sql = createSql(state.storage);
    const repo = createOutboxRepo(sql);
    const messages = createMessagesRepo(sql);
    messages.insert({ id: "SMinbound00000000000000000000000001", body: "hi", media: [], conversationId: 1, now: Date.now() });
    let outbox: Outbox | null = null;
    // Twilio's REST API as it answers a create, except that the message's failure (63016, the
    // 24-hour window) is reported by a callback before the 201 reaches the relay.
    const twilio = createTwilioClient(
      { accountSid: "AC0123456789abcdef0123456789abcdef", authToken: "t", from: "whatsapp:+14155238886", apiBase: "https://api.twilio.test", messagingApiBase: "https://messaging.twilio.test" },
      async () => {
        expect(outbox!.applyStatus({ messageSid: SID, status: "failed", errorCode: "63016" }, Date.now())).toBe(false);
        return Response.json({ sid: SID, status: "queued" }, { status: 201 });
      },
    );
    const whatsapp = whatsappChannelClient({ twilio, quickReply: null, templateSid: null, origin: () => null, clock: () => Date.now(), log: () => {} });
    outbox = createOutbox({ repo, settings: createSettingsRepo(sql), messages, user: "+15550000167", channels: { whatsapp }, files: null, clock: () => Date.now(), log: () => {} });
    outbox.add({ dedupeKey: "reply-1", body: "the answer", now: Date.now() });
    await outbox.sendDue(Date.now());
    const rows = state.storage.sql.exec<{ dedupe_key: string; status: string; held: number; error_code: string | null }>("SELECT dedupe_key, status, held, error_code FROM outbox ORDER BY id").toArray();
    // The reply is marked failed with the window's code, and a copy is held for the user's next message.
    expect(rows).toEqual([
      { dedupe_key: "reply-1", status: "failed", held: 0, error_code: "63016" },
      { dedupe_key: `resend:${SID}`, status: "pending", held: 1, error_code: null },
    ]);
  });
});
