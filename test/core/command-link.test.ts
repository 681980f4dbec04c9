import { describe, expect, it } from "vitest";
import { COMMAND_HELP, parseCommand } from "../../src/commands/commands";

describe("/link, /unlink, /notify", () => {
  it.each([
    ["/link", { type: "link", code: null }],
    ["/LINK", { type: "link", code: null }],
    ["/link K7M-Q2P", { type: "link", code: "K7MQ2P" }],
    ["/link k7m q2p", { type: "link", code: "K7MQ2P" }],
    ["/link  abcdef ", { type: "link", code: "ABCDEF" }],
    ["/link yes", { type: "link_answer", yes: true }],
    ["/link NO", { type: "link_answer", yes: false }],
    ["/unlink", { type: "unlink" }],
    ["/notify", { type: "notify", choice: null }],
    ["/notify WhatsApp", { type: "notify", choice: "whatsapp" }],
    ["/notify telegram", { type: "notify", choice: "telegram" }],
    ["/notify default", { type: "notify", choice: "default" }],
  ])("%j", (text, parsed) => {
    expect(parseCommand(text)).toEqual(parsed);
  });

  it.each([
    ["/link K7M-Q2", /is not a link code: 6 letters and digits like K7M-Q2P/],
    ["/link K7M-Q20", /“K7M-Q20” is not a link code/], // 0 is not in the alphabet
    ["/link please link me", /is not a link code/],
    ["/unlink now", /^\/unlink takes no arguments\.$/],
    ["/notify slack", /^\/notify takes whatsapp, telegram or default, not “slack”\.$/],
    ["/notify whatsapp telegram", /\/notify takes whatsapp, telegram or default/],
  ])("%j is refused in one line", (text, reason) => {
    const parsed = parseCommand(text);
    expect(parsed?.type).toBe("invalid");
    const said = parsed?.type === "invalid" ? parsed.reason : "";
    expect(said).toMatch(reason);
    expect(said).not.toContain("\n");
  });

  it("are in /help, so in Telegram's menu too", () => {
    const usages = COMMAND_HELP.map((c) => c.usage);
    expect(usages).toEqual(expect.arrayContaining(["/link, /link <code>, /link yes|no", "/unlink", "/notify, /notify whatsapp|telegram|default"]));
  });
});
