// Which message in Twilio's list is a send the relay cannot tell went (sent-match.ts): its text as
// sent or as its buttons' fallback text, a template by its variables, a file by caption and media;
// never one that failed, an inbound one, or one of another kind.
import { describe, expect, it } from "vitest";
import type { Outbound } from "../../src/channels/channel";
import { matchingSends, showsSend } from "../../src/channels/whatsapp/sent-match";
import type { ListedMessage } from "../../src/channels/whatsapp/twilio-client";
import { withTypedAnswers } from "../../src/channels/whatsapp/typed-answers";

const to = { channel: "whatsapp" as const, chat: "+15550002201" };
const listed = (o: Partial<ListedMessage>): ListedMessage => ({ sid: "SM1", body: "", numMedia: 0, status: "sent", outbound: true, createdAt: 1, sentAt: 2, ...o });
const buttons = [{ title: "Fix it", id: "fix", typed: "fix it" }];
const text: Outbound = { kind: "text", to, part: "CI failed" };
const withButtons: Outbound = { kind: "text", to, part: "CI failed", buttons };
const template: Outbound = { kind: "text", to, part: "A result waits", template: { id: "HX1", variables: JSON.stringify({ "1": "a reply" }) } };
const file: Outbound = { kind: "file", to, file: { url: "https://x/m", name: "a.png", contentType: "image/png", size: 10 }, caption: "the chart" };

describe("showsSend", () => {
  it.each([
    ["a text, as sent", text, listed({ body: "CI failed" }), true],
    ["a text, still queued", text, listed({ body: "CI failed", status: "queued", sentAt: null }), true],
    ["a text that failed", text, listed({ body: "CI failed", status: "failed" }), false],
    ["a text undelivered", text, listed({ body: "CI failed", status: "undelivered" }), false],
    ["a text the user sent", text, listed({ body: "CI failed", outbound: false }), false],
    ["another text", text, listed({ body: "CI passed" }), false],
    ["a text with media", text, listed({ body: "CI failed", numMedia: 1 }), false],
    ["buttons, as quick-reply content", withButtons, listed({ body: "CI failed" }), true],
    ["buttons, as text naming what to type", withButtons, listed({ body: withTypedAnswers("CI failed", buttons) }), true],
    ["a template, rendered with its variable", template, listed({ body: "You have a reply. Reply to see it." }), true],
    ["a template, another variable", template, listed({ body: "You have a file. Reply to see it." }), false],
    ["a file, its caption and attachment", file, listed({ body: "the chart", numMedia: 1 }), true],
    ["a file's caption without the attachment", file, listed({ body: "the chart" }), false],
  ] as const)("%s", (_name, send, message, shown) => expect(showsSend(send, message)).toBe(shown));
});

it("matchingSends: the matches, oldest first", () => {
  const messages = [listed({ sid: "SM3", body: "CI failed", createdAt: 30 }), listed({ sid: "SM2", body: "other", createdAt: 20 }), listed({ sid: "SM1", body: "CI failed", createdAt: 10 })];
  expect(matchingSends(text, messages)).toEqual(["SM1", "SM3"]);
});
