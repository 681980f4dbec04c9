import { describe, expect, it } from "vitest";
import { parseUpdate } from "../../src/channels/telegram/update";

const user = { id: 424242, is_bot: false, first_name: "Ada", last_name: "L", username: "ada" };
const privateChat = { id: 424242, type: "private", first_name: "Ada" };
const message = (extra: Record<string, unknown>, chat: Record<string, unknown> = privateChat) => ({ update_id: 1000, message: { message_id: 7, from: user, chat, date: 1_764_000_000, ...extra } });

describe("parseUpdate: what is taken", () => {
  it("a text message", () => {
    expect(parseUpdate(message({ text: "fix the test" }))).toEqual({
      ok: true,
      inbound: { kind: "message", channel: "telegram", chat: "424242", from: "424242", dedupeKey: "telegram:1000", profileName: "Ada L", messageId: "7", text: "fix the test", media: [] },
    });
  });

  it("a reply to a message names it (a comment on a /diff picture)", () => {
    const replied = { message_id: 99, chat: privateChat, date: 1_764_000_000, text: "Last change…" };
    expect(parseUpdate(message({ text: "line 2: keep it", reply_to_message: replied }))).toMatchObject({ ok: true, inbound: { kind: "message", text: "line 2: keep it", repliedTo: "99" } });
  });

  it.each([
    ["a command picked from a menu loses the bot's name", "/link@MyAgentBot ABC-234", "/link ABC-234"],
    ["a bare command with the bot's name", "/stop@my_agent_bot", "/stop"],
    ["another @name is kept", "/ask@someone", "/ask@someone"],
    ["text that only mentions a bot is kept", "ask @helperbot", "ask @helperbot"],
  ])("%s", (_, text, expected) => {
    const parsed = parseUpdate(message({ text }));
    expect(parsed.ok && parsed.inbound.kind === "message" && parsed.inbound.text).toBe(expected);
  });

  it("a photo: its largest size, as JPEG, with the caption as text", () => {
    const photo = [
      { file_id: "small", file_unique_id: "u1", width: 90, height: 60, file_size: 1000 },
      { file_id: "large", file_unique_id: "u3", width: 1280, height: 853, file_size: 90_000 },
      { file_id: "mid", file_unique_id: "u2", width: 320, height: 213, file_size: 9000 },
    ];
    const parsed = parseUpdate(message({ photo, caption: "what is this?" }));
    expect(parsed).toMatchObject({ ok: true, inbound: { text: "what is this?", media: [{ kind: "image", ref: "large", contentType: "image/jpeg", size: 90_000, name: null }] } });
  });

  it("a document, with its name, type and size", () => {
    const document = { file_id: "doc1", file_unique_id: "d1", file_name: "report.pdf", mime_type: "application/pdf", file_size: 123_456 };
    expect(parseUpdate(message({ document }))).toMatchObject({ ok: true, inbound: { text: "", media: [{ kind: "document", ref: "doc1", contentType: "application/pdf", size: 123_456, name: "report.pdf" }] } });
  });

  it("a document too large to download is still parsed (the fetch refuses it, and says so)", () => {
    const document = { file_id: "big", file_unique_id: "b", file_size: 30 * 1024 * 1024 };
    expect(parseUpdate(message({ document }))).toMatchObject({ ok: true, inbound: { media: [{ kind: "document", contentType: null, size: 30 * 1024 * 1024 }] } });
  });

  it("a voice note: OGG/Opus with its duration", () => {
    const voice = { file_id: "v1", file_unique_id: "v", duration: 12, mime_type: "audio/ogg", file_size: 20_000 };
    expect(parseUpdate(message({ voice }))).toMatchObject({ ok: true, inbound: { media: [{ kind: "voice", ref: "v1", contentType: "audio/ogg", durationSec: 12 }] } });
    const bare = { file_id: "v2", file_unique_id: "w", duration: 3 };
    expect(parseUpdate(message({ voice: bare }))).toMatchObject({ ok: true, inbound: { media: [{ contentType: "audio/ogg", size: null }] } });
  });

  it("a button press in a private chat", () => {
    const update = { update_id: 1001, callback_query: { id: "cbq-9", from: user, chat_instance: "-77", data: "approval:12:yes", message: { message_id: 55, chat: privateChat, date: 1 } } };
    expect(parseUpdate(update)).toEqual({
      ok: true,
      inbound: { kind: "button", channel: "telegram", chat: "424242", from: "424242", dedupeKey: "telegram:1001", profileName: "Ada L", payload: "approval:12:yes", title: null, ackRef: "cbq-9", messageRef: "55" },
    });
  });

  it("a button under a message too old to be accessible (date 0) still answers", () => {
    const update = { update_id: 1002, callback_query: { id: "cbq", from: user, chat_instance: "1", data: "undo:no", message: { message_id: 5, chat: privateChat, date: 0 } } };
    expect(parseUpdate(update)).toMatchObject({ ok: true, inbound: { kind: "button", payload: "undo:no", messageRef: "5" } });
  });

  it("unknown fields Telegram adds later are tolerated", () => {
    expect(parseUpdate({ ...message({ text: "hi", entities: [], link_preview_options: {} }), future_field: 1 })).toMatchObject({ ok: true });
  });
});

describe("parseUpdate: what is refused", () => {
  const groupChat = { id: -100123, type: "supergroup", title: "Team" };
  it.each([
    ["a group message", message({ text: "hi" }, { id: -5, type: "group", title: "g" }), "group"],
    ["a supergroup message", message({ text: "hi" }, groupChat), "group"],
    ["a channel post in message's place", message({ text: "hi" }, { id: -1001, type: "channel", title: "c" }), "group"],
    ["a button in a group", { update_id: 3, callback_query: { id: "q", from: user, chat_instance: "1", data: "undo:yes", message: { message_id: 1, chat: groupChat, date: 1 } } }, "group"],
    ["an edited message", { update_id: 4, edited_message: { message_id: 1, from: user, chat: privateChat, date: 1, edit_date: 2, text: "x" } }, "unsupported"],
    ["a channel post", { update_id: 5, channel_post: { message_id: 1, chat: { id: -1, type: "channel" }, date: 1, text: "x" } }, "unsupported"],
    ["a reaction", { update_id: 6, message_reaction: {} }, "unsupported"],
    ["an update of no known kind", { update_id: 7, brand_new_kind: {} }, "unsupported"],
    ["a sticker", message({ sticker: { file_id: "s" } }), "unsupported"],
    ["a location", message({ location: { latitude: 1, longitude: 2 } }), "unsupported"],
    ["a message from a bot", { update_id: 8, message: { message_id: 1, from: { ...user, is_bot: true }, chat: privateChat, date: 1, text: "x" } }, "unsupported"],
    ["a button of an inline message", { update_id: 9, callback_query: { id: "q", from: user, chat_instance: "1", inline_message_id: "i", data: "x" } }, "unsupported"],
    ["a button without data (a game)", { update_id: 10, callback_query: { id: "q", from: user, chat_instance: "1", game_short_name: "g", message: { message_id: 1, chat: privateChat, date: 1 } } }, "unsupported"],
    ["not an object", "hello", "malformed"],
    ["null", null, "malformed"],
    ["no update_id", { message: { message_id: 1, from: user, chat: privateChat, date: 1, text: "x" } }, "malformed"],
    ["a negative update_id", { update_id: -1, message: { message_id: 1, from: user, chat: privateChat, date: 1, text: "x" } }, "malformed"],
    ["an id that is a string", { update_id: "1", message: { message_id: 1, from: user, chat: privateChat, date: 1, text: "x" } }, "malformed"],
    ["a fractional id", { update_id: 1.5 }, "malformed"],
    ["an unknown chat type", message({ text: "x" }, { id: 1, type: "secret" }), "malformed"],
    ["text that is not a string", message({ text: 42 }), "malformed"],
    ["an empty photo list", message({ photo: [] }), "malformed"],
    ["a private message without from", { update_id: 11, message: { message_id: 1, chat: privateChat, date: 1, text: "x" } }, "malformed"],
    ["two kinds in one update", { ...message({ text: "x" }), callback_query: { id: "q", from: user, chat_instance: "1", data: "d", message: { message_id: 1, chat: privateChat, date: 1 } } }, "malformed"],
  ])("%s", (_, update, refused) => {
    const parsed = parseUpdate(update);
    expect(parsed).toMatchObject({ ok: false, refused });
    expect(parsed.ok || parsed.reason.length > 0).toBe(true);
  });
});

describe("parseUpdate never throws, and takes only what it understands", () => {
  it("any JSON: an inbound or a refusal by name", async () => {
    const fc = (await import("fast-check")).default;
    fc.assert(
      fc.property(fc.jsonValue(), (body) => {
        const parsed = parseUpdate(body);
        if (!parsed.ok) expect(["group", "unsupported", "malformed"]).toContain(parsed.refused);
      }),
      { numRuns: 500 },
    );
  });

  it("a valid update with any one field replaced: never a group's or a bot's message taken", async () => {
    const fc = (await import("fast-check")).default;
    const base = message({ text: "hi", caption: "c" });
    const paths = [["update_id"], ["message", "message_id"], ["message", "from"], ["message", "from", "id"], ["message", "from", "is_bot"], ["message", "chat"], ["message", "chat", "type"], ["message", "chat", "id"], ["message", "text"], ["message", "date"]];
    fc.assert(
      fc.property(fc.constantFrom(...paths), fc.jsonValue(), (path, value) => {
        const update = structuredClone(base) as Record<string, unknown>;
        let target = update;
        for (const key of path.slice(0, -1)) target = target[key] as Record<string, unknown>;
        target[path[path.length - 1]!] = value;
        const parsed = parseUpdate(update);
        if (parsed.ok) {
          const m = update.message as { chat: { type: unknown }; from: { is_bot: unknown } };
          expect(m.chat.type).toBe("private");
          expect(m.from.is_bot).toBe(false);
        }
      }),
      { numRuns: 500 },
    );
  });
});
