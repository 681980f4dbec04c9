import { describe, expect, it } from "vitest";
import { isChannelName } from "../../src/channels/index";
import { LINK_CODE_TTL_MS } from "../../src/channels/link-code";
import {
  alreadyLinked,
  answerLinkRequest,
  chatIsAdmin,
  chatOf,
  decideLink,
  doorsOf,
  LINK_CONFIRM_TTL_MS,
  type LinkRequest,
  type LinksLookup,
  notifyAfterDoorChange,
  notifyRefusal,
  openLinkRequest,
  otherChannels,
  ownDoorOf,
  sameChat,
  scheduleDestination,
  type StoredLinkCode,
} from "../../src/directory/link-doors";
import { telegramUserName } from "../../src/channels/user-names";

const NOW = 1_764_000_000_000;
const PHONE = "+15550001111";
const TG = "424242";
const WA_CHAT = { channel: "whatsapp" as const, chat: PHONE };
const TG_CHAT = { channel: "telegram" as const, chat: TG };

/** Links as the directory would answer: `[Telegram user, home]` pairs. */
function lookup(pairs: [string, string][] = []): LinksLookup {
  return {
    homeOf: (chat) => pairs.find(([t]) => chat.channel === "telegram" && t === chat.chat)?.[1] ?? null,
    linkedTo: (home) => {
      const pair = pairs.find(([, h]) => h === home);
      return pair ? { channel: "telegram", chat: pair[0] } : null;
    },
  };
}

const fromPhone: StoredLinkCode = { code: "ABCDEF", issuedBy: WA_CHAT, home: PHONE, expiresAt: NOW + LINK_CODE_TTL_MS };
const fromTelegram: StoredLinkCode = { code: "ABCDEF", issuedBy: TG_CHAT, home: telegramUserName(TG), expiresAt: NOW + LINK_CODE_TTL_MS };

describe("decideLink", () => {
  it.each([
    ["a phone's code sent from Telegram: the Telegram chat joins the phone", fromPhone, TG_CHAT, telegramUserName(TG), [], NOW, { ok: true, link: { chat: TG_CHAT, home: PHONE } }],
    ["a Telegram code sent from WhatsApp: still the phone is the home", fromTelegram, WA_CHAT, PHONE, [], NOW, { ok: true, link: { chat: TG_CHAT, home: PHONE } }],
    ["no such code", null, TG_CHAT, telegramUserName(TG), [], NOW, { ok: false, reason: "unknown" }],
    ["expired", fromPhone, TG_CHAT, telegramUserName(TG), [], NOW + LINK_CODE_TTL_MS, { ok: false, reason: "expired" }],
    ["sent from the same app", fromPhone, { channel: "whatsapp" as const, chat: "+15550002222" }, "+15550002222", [], NOW, { ok: false, reason: "same_channel" }],
    ["the Telegram user is linked to another phone", fromPhone, TG_CHAT, "+15550009999", [[TG, "+15550009999"]], NOW, { ok: false, reason: "already_linked" }],
    ["the phone has another Telegram chat", fromPhone, TG_CHAT, telegramUserName(TG), [["777", PHONE]], NOW, { ok: false, reason: "already_linked" }],
  ] as const)("%s", (_, found, from, fromHome, pairs, now, decision) => {
    expect(decideLink(found, from, fromHome, lookup(pairs.map((p) => [...p])), now)).toEqual(decision);
  });
});

describe("alreadyLinked", () => {
  it.each([
    ["a phone with no Telegram chat", WA_CHAT, PHONE, [], false],
    ["a phone with one", WA_CHAT, PHONE, [["777", PHONE]], true],
    ["a Telegram chat on its own", TG_CHAT, telegramUserName(TG), [], false],
    ["a Telegram chat joined to a phone (it lands in the phone's object)", TG_CHAT, PHONE, [[TG, PHONE]], true],
  ] as const)("%s", (_, from, home, pairs, linked) => {
    expect(alreadyLinked(from, home, lookup(pairs.map((p) => [...p])))).toBe(linked);
  });
});

describe("doorsOf and chatOf", () => {
  it.each([
    [PHONE, null, [WA_CHAT]],
    [PHONE, TG_CHAT, [WA_CHAT, TG_CHAT]],
    [telegramUserName(TG), null, [TG_CHAT]],
    // One door per channel: a chat of the home's own channel is never a second door.
    [PHONE, { channel: "whatsapp" as const, chat: "+15550002222" }, [WA_CHAT]],
  ])("%s with %s linked", (home, linked, doors) => {
    expect(doorsOf(home, linked)).toEqual(doors);
  });

  it.each([
    [PHONE, undefined, WA_CHAT],
    [PHONE, { channel: "whatsapp" as const, chat: null }, WA_CHAT],
    [PHONE, { channel: "telegram" as const, chat: TG }, TG_CHAT],
    [telegramUserName(TG), undefined, TG_CHAT],
    [telegramUserName(TG), { channel: "telegram" as const, chat: TG }, TG_CHAT],
  ])("a message in %s from %j", (home, source, chat) => {
    expect(chatOf(home, source)).toEqual(chat);
  });
});

describe("scheduleDestination", () => {
  const both = doorsOf(PHONE, TG_CHAT);
  const phoneOnly = doorsOf(PHONE, null);
  const wa = { channel: "whatsapp" as const, chat: null };
  const tg = { channel: "telegram" as const, chat: TG };
  it.each([
    ["created on WhatsApp, no choice", wa, null, both, wa],
    ["created on Telegram, no choice", tg, null, both, tg],
    ["created before chats were kept", null, null, both, wa],
    ["created on Telegram, /notify whatsapp", tg, "whatsapp", both, wa],
    ["created on WhatsApp, /notify telegram", wa, "telegram", both, tg],
    ["created on Telegram, since unlinked", tg, null, phoneOnly, wa],
    ["/notify telegram, since unlinked", wa, "telegram", phoneOnly, wa],
    ["created in a Telegram chat linked before another", { channel: "telegram" as const, chat: "777" }, null, both, wa],
    ["a Telegram user's own agent", null, null, doorsOf(telegramUserName(TG), null), tg],
    ["a Telegram user's own agent, /notify whatsapp left from a link", tg, "whatsapp", doorsOf(telegramUserName(TG), null), tg],
  ] as const)("%s", (_, createdIn, notify, doors, destination) => {
    expect(scheduleDestination({ createdIn, notify, doors })).toEqual(destination);
  });
});

describe("/notify", () => {
  it.each([
    ["telegram", doorsOf(PHONE, TG_CHAT), null],
    ["whatsapp", doorsOf(PHONE, TG_CHAT), null],
    ["default", doorsOf(PHONE, null), null],
    ["whatsapp", doorsOf(PHONE, null), null],
    ["telegram", doorsOf(PHONE, null), /No Telegram chat reaches this agent.*Nothing changed/],
    ["whatsapp", doorsOf(telegramUserName(TG), null), /No WhatsApp number reaches this agent.*Nothing changed/],
  ] as const)("%s with doors %j", (choice, doors, refusal) => {
    const said = notifyRefusal(choice, doors);
    if (refusal === null) expect(said).toBeNull();
    else expect(said).toMatch(refusal);
  });

  it.each([
    ["telegram", null, null],
    ["telegram", TG_CHAT, "telegram"],
    ["whatsapp", null, "whatsapp"],
    [null, null, null],
  ] as const)("a choice of %s once the linked chat is %j", (notify, linked, after) => {
    expect(notifyAfterDoorChange(notify, doorsOf(PHONE, linked))).toBe(after);
  });
});

describe("a home's own door and the channels", () => {
  it.each([
    [PHONE, WA_CHAT],
    [telegramUserName(TG), TG_CHAT],
  ])("%s's own door", (home, door) => {
    expect(ownDoorOf(home)).toEqual(door);
  });

  it.each([
    [WA_CHAT, { ...WA_CHAT }, true],
    [WA_CHAT, TG_CHAT, false],
    [TG_CHAT, { channel: "telegram" as const, chat: "777" }, false],
    [TG_CHAT, { channel: "whatsapp" as const, chat: TG }, false],
    [null, null, true],
    [WA_CHAT, null, false],
  ])("%j is %j: %s", (a, b, same) => {
    expect(sameChat(a, b)).toBe(same);
  });

  it.each([
    ["whatsapp", true],
    ["telegram", true],
    ["default", false],
    ["WhatsApp", false],
    [null, false],
  ])("%s is a channel's name: %s", (word, is) => {
    expect(isChannelName(word)).toBe(is);
  });

  it("a code issued on one channel is sent from the other", () => {
    expect(otherChannels("whatsapp")).toEqual(["telegram"]);
    expect(otherChannels("telegram")).toEqual(["whatsapp"]);
  });

  it("/notify's refusals name the app and what a chat of it is", () => {
    expect(notifyRefusal("telegram", doorsOf(PHONE, null))).toBe("No Telegram chat reaches this agent: send /link here, then the code from Telegram. Nothing changed.");
    expect(notifyRefusal("whatsapp", doorsOf(telegramUserName(TG), null))).toBe("No WhatsApp number reaches this agent: send /link here, then the code from WhatsApp. Nothing changed.");
  });
});

describe("answerLinkRequest", () => {
  // A Telegram user's code sent from the phone: the Telegram chat would join the phone's agent.
  const request = openLinkRequest(fromTelegram, { chat: WA_CHAT, home: PHONE }, { chat: TG_CHAT, home: PHONE }, NOW);
  const confirmed = (issuer: boolean, redeemer: boolean) => ({ ...request, confirmed: { issuer, redeemer } });
  const LATER = NOW + LINK_CONFIRM_TTL_MS - 1;
  const STRANGER = { channel: "telegram" as const, chat: "999" };

  it("a redeemed code opens a request nobody has confirmed, not even the chat that sent it", () => {
    expect(request).toEqual({
      code: "ABCDEF",
      issuer: { chat: TG_CHAT, home: telegramUserName(TG) },
      redeemer: { chat: WA_CHAT, home: PHONE },
      link: { chat: TG_CHAT, home: PHONE },
      confirmed: { issuer: false, redeemer: false },
      expiresAt: NOW + LINK_CONFIRM_TTL_MS,
    });
  });

  it.each<[string, LinkRequest | null, typeof WA_CHAT | typeof TG_CHAT | typeof STRANGER, boolean, [string, string][], number, { outcome: string; by?: string; store: string; confirmed?: object }]>([
    ["no request for this chat", null, WA_CHAT, true, [], NOW, { outcome: "none", store: "keep" }],
    ["a chat that is not part of it", request, STRANGER, true, [], NOW, { outcome: "none", store: "keep" }],
    ["the first yes waits for the other", request, WA_CHAT, true, [], NOW, { outcome: "waiting", by: "redeemer", store: "update", confirmed: { issuer: false, redeemer: true } }],
    ["a yes again from the same side still waits", confirmed(false, true), WA_CHAT, true, [], NOW, { outcome: "waiting", by: "redeemer", store: "update", confirmed: { issuer: false, redeemer: true } }],
    ["the other side's yes links", confirmed(false, true), TG_CHAT, true, [], LATER, { outcome: "linked", by: "issuer", store: "delete", confirmed: { issuer: true, redeemer: true } }],
    ["a no from either side joins nothing", confirmed(true, false), WA_CHAT, false, [], NOW, { outcome: "refused", by: "redeemer", store: "delete" }],
    ["a no after one yes still joins nothing", confirmed(false, true), TG_CHAT, false, [], NOW, { outcome: "refused", by: "issuer", store: "delete" }],
    ["the last yes too late joins nothing", confirmed(false, true), TG_CHAT, true, [], NOW + LINK_CONFIRM_TTL_MS, { outcome: "expired", by: "issuer", store: "delete" }],
    ["the chat was linked elsewhere meanwhile", confirmed(false, true), TG_CHAT, true, [[TG, "+15550009999"]], NOW, { outcome: "already_linked", by: "issuer", store: "delete" }],
    ["the home got another chat meanwhile", confirmed(true, false), WA_CHAT, true, [["777", PHONE]], NOW, { outcome: "already_linked", by: "redeemer", store: "delete" }],
  ])("%s", (_, r, from, yes, pairs, now, expected) => {
    const a = answerLinkRequest(r, from, yes, lookup(pairs), now);
    const seen = { outcome: a.outcome, store: a.store, ...("by" in a ? { by: a.by } : {}), ...(expected.confirmed && "request" in a ? { confirmed: a.request.confirmed } : {}) };
    expect(seen).toEqual(expected);
  });
});

describe("chatIsAdmin: a chat's own configuration, never its home's", () => {
  const config = { adminSenders: new Set(["+15550001111"]), adminTelegramUsers: new Set(["7"]) };
  it.each<[string, { channel: "whatsapp" | "telegram"; chat: string }, boolean]>([
    ["the admin's phone", { channel: "whatsapp", chat: "+15550001111" }, true],
    ["a Telegram chat linked to the admin's phone", TG_CHAT, false],
    ["another phone", { channel: "whatsapp", chat: "+15550002222" }, false],
    ["a Telegram admin, wherever it is linked", { channel: "telegram", chat: "7" }, true],
  ])("%s", (_, chat, admin) => {
    expect(chatIsAdmin(config, chat)).toBe(admin);
  });
  it("no configuration: nobody", () => {
    expect(chatIsAdmin(null, WA_CHAT)).toBe(false);
  });
});
