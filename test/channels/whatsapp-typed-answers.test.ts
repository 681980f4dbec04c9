import { describe, expect, it } from "vitest";
import { withTypedAnswers } from "../../src/channels/whatsapp/channel-client";

describe("withTypedAnswers: a message whose buttons cannot be shown names what to type", () => {
  it.each([
    ["no buttons", "hello", undefined, "hello"],
    ["buttons with no typed equivalent", "Undo?", [{ title: "Yes", id: "u:1:yes" }], "Undo?"],
    ["Fix it under a CI failure", "❌ CI failed", [{ title: "Fix it", id: "gh-fix:d1", typed: "fix it" }, { title: "Later", id: "gh-later:d1" }], "❌ CI failed\n\nReply “fix it” to do what its button does."],
    ["the text names it already", "Reply “fix it” to start it.", [{ title: "Fix it", id: "gh-fix:d1", typed: "fix it" }], "Reply “fix it” to start it."],
  ] as const)("%s", (_name, body, buttons, text) => expect(withTypedAnswers(body, buttons)).toBe(text));
});
