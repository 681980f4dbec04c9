import { describe, expect, it } from "vitest";
import { fileUrl, isNotModified, methodUrl, readApiAnswer } from "../../src/channels/telegram/api";
import { CHAT_MIN_GAP_MS, decideOnTelegramFailure, TELEGRAM_RETRY_DELAYS_MS } from "../../src/channels/telegram/send-policy";
import { chatPaceAt } from "../../src/channels/send-timing";
import { chatStoppedNotice } from "../../src/channels/chat-stopped";

const NOW = 1_764_000_000_000;
const noJitter = () => 0.5;

describe("readApiAnswer", () => {
  it("a result", () => {
    expect(readApiAnswer(200, { ok: true, result: { message_id: 5, chat: { id: 1 } } })).toEqual({ ok: true, result: { message_id: 5, chat: { id: 1 } } });
  });
  it.each([
    ["429 with retry_after", 429, { ok: false, error_code: 429, description: "Too Many Requests: retry after 7", parameters: { retry_after: 7 } }, { errorCode: "telegram:429", retryable: true, chatGone: false, retryAfterMs: 7000 }],
    ["429 without parameters", 429, { ok: false, error_code: 429, description: "Too Many Requests" }, { errorCode: "telegram:429", retryable: true, chatGone: false }],
    ["blocked by the user", 403, { ok: false, error_code: 403, description: "Forbidden: bot was blocked by the user" }, { errorCode: "telegram:403", retryable: false, chatGone: true }],
    ["a deleted account", 403, { ok: false, error_code: 403, description: "Forbidden: user is deactivated" }, { errorCode: "telegram:403", retryable: false, chatGone: true }],
    ["never started", 403, { ok: false, error_code: 403, description: "Forbidden: bot can't initiate conversation with a user" }, { errorCode: "telegram:403", retryable: false, chatGone: true }],
    ["chat not found", 400, { ok: false, error_code: 400, description: "Bad Request: chat not found" }, { errorCode: "telegram:400", retryable: false, chatGone: true }],
    ["bad HTML", 400, { ok: false, error_code: 400, description: "Bad Request: can't parse entities: Unsupported start tag \"x\"" }, { errorCode: "telegram:400", retryable: false, chatGone: false }],
    ["a wrong token", 401, { ok: false, error_code: 401, description: "Unauthorized" }, { errorCode: "telegram:401", retryable: false, chatGone: false }],
    ["a server error", 502, { ok: false, error_code: 502, description: "Bad Gateway" }, { errorCode: "telegram:502", retryable: true, chatGone: false }],
    ["a proxy's HTML page", 503, "<html>down</html>", { errorCode: "telegram:503", retryable: true, chatGone: false }],
    ["200 without the envelope", 200, { message_id: 1 }, { errorCode: "telegram:200", retryable: false, chatGone: false }],
    ["ok:true with an error status", 500, { ok: true, result: true }, { errorCode: "telegram:500", retryable: true, chatGone: false }],
  ])("%s", (_, status, body, failure) => {
    const answer = readApiAnswer(status, body);
    expect(answer).toMatchObject({ ok: false, ...failure });
    if (!("retryAfterMs" in failure)) expect(answer).not.toHaveProperty("retryAfterMs");
  });

  it("an edit that changes nothing is told apart", () => {
    const answer = readApiAnswer(400, { ok: false, error_code: 400, description: "Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message" });
    expect(!answer.ok && isNotModified(answer)).toBe(true);
    const other = readApiAnswer(400, { ok: false, error_code: 400, description: "Bad Request: message to edit not found" });
    expect(!other.ok && isNotModified(other)).toBe(false);
  });

  it("URLs of methods and files", () => {
    expect(methodUrl("https://api.telegram.org/", "123:abc", "sendMessage")).toBe("https://api.telegram.org/bot123:abc/sendMessage");
    expect(fileUrl("http://127.0.0.1:4300", "123:abc", "voice/file_3.oga")).toBe("http://127.0.0.1:4300/file/bot123:abc/voice/file_3.oga");
  });
});

describe("decideOnTelegramFailure", () => {
  const failure = (extra: Partial<Parameters<typeof decideOnTelegramFailure>[0]> = {}) => ({ errorCode: "telegram:500", retryable: true, chatGone: false, ...extra });

  it.each([
    ["a blocked chat stops", failure({ errorCode: "telegram:403", retryable: false, chatGone: true }), 1, { action: "stop_chat" }],
    ["a 400 is not retried, and the user told", failure({ errorCode: "telegram:400", retryable: false }), 1, { action: "fail", tellUser: true }],
    ["a wrong token is not retried, nor told (it would fail too)", failure({ errorCode: "telegram:401", retryable: false }), 1, { action: "fail", tellUser: false }],
    ["a 5xx waits a second after the first attempt", failure(), 1, { action: "retry", at: NOW + 1_000 }],
    ["and longer after more", failure(), 4, { action: "retry", at: NOW + 10_000 }],
    ["a 429's retry_after is a floor", failure({ errorCode: "telegram:429", retryAfterMs: 30_000 }), 1, { action: "retry", at: NOW + 30_000 }],
    ["the backoff wins when it is longer", failure({ errorCode: "telegram:429", retryAfterMs: 1_000 }), 6, { action: "retry", at: NOW + 60_000 }],
    ["a retry_after past an hour is capped", failure({ errorCode: "telegram:429", retryAfterMs: 10 * 3_600_000 }), 1, { action: "retry", at: NOW + 3_600_000 }],
    ["the last retry", failure(), TELEGRAM_RETRY_DELAYS_MS.length, { action: "retry", at: NOW + 300_000 }],
    ["then the message is given up, never retried forever", failure(), TELEGRAM_RETRY_DELAYS_MS.length + 1, { action: "fail", tellUser: true }],
  ])("%s", (_, f, attempts, decision) => {
    expect(decideOnTelegramFailure(f, attempts, NOW, noJitter)).toEqual(decision);
  });

  it("spreads retries by at most a fifth", () => {
    const low = decideOnTelegramFailure(failure(), 5, NOW, () => 0);
    const high = decideOnTelegramFailure(failure(), 5, NOW, () => 0.999_999);
    expect(low).toEqual({ action: "retry", at: NOW + 24_000 });
    expect(high.action === "retry" && high.at).toBe(NOW + 36_000);
  });
});

describe("chatPaceAt: about one message a second per chat", () => {
  it.each([
    ["a chat never written to", null, NOW, NOW],
    ["just written to", NOW - 200, NOW, NOW + 800],
    ["written to a second ago", NOW - 1_000, NOW, NOW],
    ["written to long ago", NOW - 60_000, NOW, NOW],
  ])("%s", (_, last, now, at) => {
    expect(chatPaceAt(last, now, CHAT_MIN_GAP_MS)).toBe(at);
  });
});

describe("chatStoppedNotice", () => {
  // The notice names the chat's app from its channel (src/channels/chat-stopped.ts).
  it("names the user and Telegram's reason", () => {
    expect(chatStoppedNotice("+15550001111", "telegram", "Forbidden: bot was blocked by the user")).toBe(
      "📵 +15550001111's Telegram chat no longer takes messages (Forbidden: bot was blocked by the user); nothing more is sent there until they write again.",
    );
    expect(chatStoppedNotice("424242", "telegram", undefined)).toContain("(blocked)");
  });
});
