// The quick-reply content of approval prompts against Twilio's Content API as documented
// (https://www.twilio.com/docs/content/content-api-resources): found by name, else created once;
// where the API fails, prompts go as text and it is asked again an hour later. The API is the one
// remote service here, answered at the HTTP boundary.
import { runInDurableObject } from "cloudflare:test";
import { expect, it } from "vitest";
import { createSettingsRepo } from "../../src/config/settings-repo";
import { createSql } from "../../src/shared/sql";
import { createQuickReplyContent } from "../../src/channels/whatsapp/twilio-content";
import { stubFor } from "./helpers";

const conn = { accountSid: "AC0123456789abcdef0123456789abcdef", authToken: "t", contentApiBase: "https://content.twilio.test" };
const buttons = [
  { title: "Yes", id: "approval:7:yes" },
  { title: "No", id: "approval:7:no" },
];
const SID = "HX0123456789abcdef0123456789abcdef";

type Call = { method: string; url: string; body: unknown };

function contentApi(answer: (call: Call) => Response): { calls: Call[]; fetch: typeof fetch } {
  const calls: Call[] = [];
  return {
    calls,
    fetch: async (input, init) => {
      const call = { method: init?.method ?? "GET", url: String(input), body: init?.body ? JSON.parse(String(init.body)) : null };
      calls.push(call);
      return answer(call);
    },
  };
}

it("creates the content once when the account has none, then reuses it", async () => {
  await runInDurableObject(stubFor("+15550000146"), async (_o, state) => {
    const settings = createSettingsRepo(createSql(state.storage));
    const api = contentApi((call) =>
      call.method === "GET" ? Response.json({ contents: [{ sid: "HXffffffffffffffffffffffffffffffff", friendly_name: "someone_elses" }], meta: { next_page_url: null } }) : Response.json({ sid: SID, friendly_name: "agent_relay_yes_no_v1" }, { status: 201 }),
    );
    const content = createQuickReplyContent(conn, settings, api.fetch);
    const first = await content.resolve("Run npm test?", buttons, 1_000);
    expect(first).toEqual({ contentSid: SID, contentVariables: JSON.stringify({ 1: "Run npm test?", 2: "approval:7:yes", 3: "approval:7:no" }) });
    expect(api.calls.map((c) => `${c.method} ${c.url}`)).toEqual(["GET https://content.twilio.test/v1/Content?PageSize=50", "POST https://content.twilio.test/v1/Content"]);
    expect(api.calls[1]!.body).toMatchObject({
      friendly_name: "agent_relay_yes_no_v1",
      types: { "twilio/quick-reply": { body: "{{1}}", actions: [{ title: "Yes", id: "{{2}}" }, { title: "No", id: "{{3}}" }] }, "twilio/text": { body: "{{1}}" } },
    });
    await content.resolve("Again?", buttons, 2_000);
    expect(api.calls).toHaveLength(2);
  });
});

it("finds an existing content by name on a later page, without creating one", async () => {
  await runInDurableObject(stubFor("+15550000147"), async (_o, state) => {
    const settings = createSettingsRepo(createSql(state.storage));
    const api = contentApi((call) =>
      call.url.includes("Page=1")
        ? Response.json({ contents: [{ sid: SID, friendly_name: "agent_relay_yes_no_v1" }], meta: { next_page_url: null } })
        : Response.json({ contents: [], meta: { next_page_url: "https://content.twilio.test/v1/Content?PageSize=50&Page=1" } }),
    );
    expect((await createQuickReplyContent(conn, settings, api.fetch).resolve("x", buttons, 0))?.contentSid).toBe(SID);
    expect(api.calls.every((c) => c.method === "GET")).toBe(true);
  });
});

it("falls back to text where the API fails, and asks again only after an hour", async () => {
  await runInDurableObject(stubFor("+15550000148"), async (_o, state) => {
    const settings = createSettingsRepo(createSql(state.storage));
    let up = false;
    const api = contentApi(() => (up ? Response.json({ contents: [{ sid: SID, friendly_name: "agent_relay_yes_no_v1" }] }) : Response.json({ code: 20404, message: "not found", status: 404 }, { status: 404 })));
    const content = createQuickReplyContent(conn, settings, api.fetch);
    expect(await content.resolve("x", buttons, 0)).toBeNull();
    up = true;
    expect(await content.resolve("x", buttons, 59 * 60_000)).toBeNull();
    expect(api.calls).toHaveLength(1);
    expect((await content.resolve("x", buttons, 61 * 60_000))?.contentSid).toBe(SID);
    // A body over WhatsApp's 1,024 characters for a quick reply goes as text.
    expect(await content.resolve("x".repeat(1025), buttons, 62 * 60_000)).toBeNull();
  });
});

it("keeps one content per set of buttons: /undo's Yes/No never borrows the approvals' Yes/No/Always", async () => {
  await runInDurableObject(stubFor("+15550009149"), async (_o, state) => {
    const settings = createSettingsRepo(createSql(state.storage));
    let made = 0;
    const api = contentApi((call) =>
      call.method === "GET" ? Response.json({ contents: [], meta: { next_page_url: null } }) : Response.json({ sid: `HX${String(++made).repeat(32)}`, friendly_name: (call.body as { friendly_name: string }).friendly_name }, { status: 201 }),
    );
    const content = createQuickReplyContent(conn, settings, api.fetch);
    const approval = await content.resolve("Run it?", [...buttons, { title: "Always", id: "approval:7:always" }], 0);
    const undo = await content.resolve("Undo it?", [{ title: "Yes", id: "undo:1:yes" }, { title: "No", id: "undo:1:no" }], 0);
    expect(approval?.contentSid).not.toBe(undo?.contentSid);
    expect(api.calls.filter((c) => c.method === "POST").map((c) => (c.body as { friendly_name: string }).friendly_name)).toEqual(["agent_relay_approval_v1", "agent_relay_yes_no_v1"]);
    // Each is remembered: asked again, neither is looked up or made again.
    await content.resolve("Run it again?", [...buttons, { title: "Always", id: "approval:8:always" }], 1);
    await content.resolve("Undo again?", [{ title: "Yes", id: "undo:2:yes" }, { title: "No", id: "undo:2:no" }], 1);
    expect(api.calls).toHaveLength(4);
  });
});

it("takes a stored record it cannot read as none: the content is looked up again, and the record rewritten", async () => {
  await runInDurableObject(stubFor("+15550000459"), async (_o, state) => {
    const settings = createSettingsRepo(createSql(state.storage));
    settings.set("quick_reply_content", '{"agent_relay_yes_no_v1": "HX');
    const api = contentApi(() => Response.json({ contents: [{ sid: SID, friendly_name: "agent_relay_yes_no_v1" }], meta: { next_page_url: null } }));
    expect((await createQuickReplyContent(conn, settings, api.fetch).resolve("x", buttons, 0))?.contentSid).toBe(SID);
    expect(api.calls.map((c) => c.method)).toEqual(["GET"]);
    expect(JSON.parse(settings.get("quick_reply_content")!)).toEqual({ agent_relay_yes_no_v1: SID });
  });
});
