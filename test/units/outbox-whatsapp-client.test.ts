// WhatsApp's ChannelClient against Twilio's REST and Content APIs as documented, answered at the
// HTTP boundary: what each Outbound becomes as a Messages.json form (text, buttons as quick-reply
// content or text, a template, a file, the typing indicator), delivery receipts asked only when
// the outbox asks, and the fallback to text when Twilio refuses our content.
import { describe, expect, it } from "vitest";
import { channelClientsFor, defaultChatOf } from "../../src/channels/clients";
import type { Outbound } from "../../src/channels/channel";
import { whatsappChannelClient } from "../../src/channels/whatsapp/channel-client";
import { createTwilioClient } from "../../src/channels/whatsapp/twilio-client";
import { createQuickReplyContent } from "../../src/channels/whatsapp/twilio-content";
import type { Log } from "../../src/shared/log";
import { frozenClock, noLog, useUnitDb } from "./helpers/unit-db";

const t = useUnitDb();
const ACCOUNT = { accountSid: `AC${"0".repeat(32)}`, authToken: "token", from: "whatsapp:+14155238886", apiBase: "https://api.twilio.test", messagingApiBase: "https://messaging.twilio.test", contentApiBase: "https://content.twilio.test" };
const PHONE = "+15550002301";
const CONTENT_SID = `HX${"c".repeat(32)}`;
const TEMPLATE_SID = `HX${"7".repeat(32)}`;
const to = { channel: "whatsapp" as const, chat: PHONE };

type Call = { url: string; form: Record<string, string> };

/** Twilio as documented: 201 with the message's SID, or an error's JSON; the Content API lists our content. */
function twilioApi(refuse: (form: Record<string, string>) => { status: number; code: number } | null = () => null) {
  const calls: Call[] = [];
  let n = 0;
  const fetchFn: typeof fetch = async (input, init) => {
    const url = String(input);
    if (url.startsWith(ACCOUNT.contentApiBase)) return Response.json({ contents: [{ sid: CONTENT_SID, friendly_name: "agent_relay_yes_no_v1" }], meta: { next_page_url: null } });
    const form = Object.fromEntries(new URLSearchParams(String(init?.body)));
    calls.push({ url, form });
    const refused = refuse(form);
    if (refused) return Response.json({ code: refused.code, message: "refused", status: refused.status }, { status: refused.status });
    if (url.endsWith("/Typing.json")) return Response.json({ success: true });
    return Response.json({ sid: `SM${String(++n).padStart(32, "0")}`, status: "queued" }, { status: 201 });
  };
  return { calls, fetchFn };
}

function clientWith(api: ReturnType<typeof twilioApi>, o: { buttons?: boolean; templateSid?: string | null; origin?: string | null; log?: Log } = {}) {
  const twilio = createTwilioClient(ACCOUNT, api.fetchFn, frozenClock);
  const quickReply = o.buttons ? createQuickReplyContent(ACCOUNT, t.repos.settings, api.fetchFn) : null;
  return whatsappChannelClient({ twilio, quickReply, templateSid: o.templateSid ?? null, origin: () => o.origin ?? null, clock: frozenClock, log: o.log ?? noLog });
}

const buttons = [
  { title: "Yes", id: "undo:1:yes" },
  { title: "No", id: "undo:1:no" },
];

describe("what each Outbound becomes", () => {
  it.each<[string, Outbound, { buttons?: boolean }, Record<string, string>]>([
    ["text", { kind: "text", to, part: "hello" }, {}, { To: `whatsapp:${PHONE}`, Body: "hello" }],
    ["buttons without the Content API: the text alone", { kind: "text", to, part: "Undo it?", buttons }, {}, { Body: "Undo it?" }],
    ["buttons as our quick-reply content", { kind: "text", to, part: "Undo it?", buttons }, { buttons: true }, { ContentSid: CONTENT_SID, ContentVariables: JSON.stringify({ 1: "Undo it?", 2: "undo:1:yes", 3: "undo:1:no" }) }],
    ["a template instead of its text", { kind: "text", to, part: "A result is waiting", template: { id: TEMPLATE_SID, variables: '{"1":"a result"}' } }, {}, { ContentSid: TEMPLATE_SID, ContentVariables: '{"1":"a result"}' }],
    ["a file with its caption", { kind: "file", to, file: { url: "https://relay.test/m/1", name: "a.png", contentType: "image/png", size: 10 }, caption: "the chart" }, {}, { MediaUrl: "https://relay.test/m/1", Body: "the chart" }],
    ["an edit, which WhatsApp cannot do, as a new message", { kind: "edit", to, messageRef: "SM1", part: "Still working (2 min)." }, {}, { Body: "Still working (2 min)." }],
  ])("%s", async (_name, outbound, o, form) => {
    const api = twilioApi();
    expect(await clientWith(api, o).send(outbound)).toEqual({ ok: true, ref: `SM${"1".padStart(32, "0")}` });
    expect(api.calls).toHaveLength(1);
    expect(api.calls[0]!.form).toMatchObject(form);
    // Nothing else is said: no body beside content, no caption for an empty one.
    if (form.ContentSid) expect(api.calls[0]!.form.Body).toBeUndefined();
  });

  it("a file with an empty caption goes alone", async () => {
    const api = twilioApi();
    await clientWith(api).send({ kind: "file", to, file: { url: "https://relay.test/m/2", name: "a.pdf", contentType: "application/pdf", size: 10 }, caption: "" });
    expect(api.calls[0]!.form).not.toHaveProperty("Body");
  });

  it("shows typing on the user's message, and asks nothing without one", async () => {
    const api = twilioApi();
    const client = clientWith(api);
    expect(await client.send({ kind: "typing", to, replyTo: "SMin1" })).toEqual({ ok: true, ref: null });
    expect((await client.send({ kind: "typing", to, replyTo: null })).ok).toBe(false);
    expect(api.calls).toEqual([{ url: `${ACCOUNT.messagingApiBase}/v2/Indicators/Typing.json`, form: { messageId: "SMin1", channel: "whatsapp" } }]);
  });
});

describe("delivery receipts", () => {
  it.each([
    // The callback names the outbox row it reports on, so the status route finds it by primary key.
    { receipts: 7, origin: "https://relay.example", callback: "https://relay.example/twilio/status?o=7" },
    { receipts: undefined, origin: "https://relay.example", callback: undefined },
    { receipts: 7, origin: null, callback: undefined },
  ])("asked for row $receipts, origin $origin: StatusCallback $callback", async ({ receipts, origin, callback }) => {
    const api = twilioApi();
    await clientWith(api, { origin }).send({ kind: "text", to, part: "the answer", receipts });
    expect(api.calls[0]!.form.StatusCallback).toBe(callback);
  });
});

describe("refusals", () => {
  it("our quick-reply content refused: forgotten, logged, and the prompt goes as text at once", async () => {
    const logged: string[] = [];
    const api = twilioApi((form) => (form.ContentSid ? { status: 400, code: 63027 } : null));
    const client = clientWith(api, { buttons: true, log: (event) => logged.push(event) });
    expect((await client.send({ kind: "text", to, part: "Undo it?", buttons, receipts: 1 })).ok).toBe(true);
    expect(api.calls.map((c) => c.form.Body ?? c.form.ContentSid)).toEqual([CONTENT_SID, "Undo it?"]);
    expect(logged).toEqual(["quick_reply_refused"]);
    expect(t.repos.settings.get("quick_reply_content")).toBeNull();
  });

  it.each([
    { name: "the closed window (63016)", status: 400, code: 63016, retryable: false },
    { name: "a passing fault", status: 503, code: 20500, retryable: true },
  ])("$name with our content is the outbox's to decide: no text instead", async ({ status, code, retryable }) => {
    const api = twilioApi(() => ({ status, code }));
    expect(await clientWith(api, { buttons: true }).send({ kind: "text", to, part: "Undo it?", buttons })).toEqual({ ok: false, errorCode: String(code), retryable, chatGone: false });
    expect(api.calls).toHaveLength(1);
  });
});

describe("channelClientsFor and defaultChatOf", () => {
  const twilio = { ...ACCOUNT, templateSid: TEMPLATE_SID };
  const deps = (user: string) => ({ user, settings: t.repos.settings, origin: () => null, clock: frozenClock, log: noLog });

  it.each([
    { name: "a phone with an account", config: { twilio }, user: PHONE, channels: ["whatsapp"] },
    { name: "a Telegram-only user: no WhatsApp number to send from", config: { twilio }, user: "tg-7001", channels: [] },
    { name: "no credentials", config: { twilio: { ...twilio, authToken: null } }, user: PHONE, channels: [] },
    { name: "a bot besides", config: { twilio, telegram: { token: "1:t", webhookSecret: "s", apiBase: "https://tg.test" } }, user: PHONE, channels: ["telegram", "whatsapp"] },
  ])("$name: $channels", ({ config, user, channels }) => {
    expect(Object.keys(channelClientsFor(config, deps(user))).sort()).toEqual(channels);
  });

  it("WhatsApp's client announces held results with the configured template, and none without one", () => {
    expect(channelClientsFor({ twilio }, deps(PHONE)).whatsapp?.resultWaiting?.("a result")).toEqual({ id: TEMPLATE_SID, variables: JSON.stringify({ 1: "a result" }) });
    expect(channelClientsFor({ twilio: { ...twilio, templateSid: null } }, deps(PHONE)).whatsapp?.resultWaiting).toBeNull();
  });

  it.each([
    [PHONE, "whatsapp", PHONE],
    [PHONE, "telegram", null],
    ["tg-7001", "telegram", "7001"],
    ["tg-7001", "whatsapp", null],
  ] as const)("%s on %s: %s", (user, channel, chat) => {
    expect(defaultChatOf(user, channel)).toBe(chat);
  });
});
