// `/shot [wide] [path]` parsed: phone width unless `wide`, the home page unless a path is named,
// and a web address, a second path or a path with `\` refused in one line.
import { describe, expect, it } from "vitest";
import { parseCommand } from "../../src/commands/commands";

describe("/shot parses", () => {
  it.each([
    ["/shot", { type: "shot", wide: false, path: "/" }],
    ["/SHOT wide", { type: "shot", wide: true, path: "/" }],
    ["/shot Wide /pricing?plan=pro#top", { type: "shot", wide: true, path: "/pricing?plan=pro#top" }],
    ["/shot /docs/intro", { type: "shot", wide: false, path: "/docs/intro" }],
  ])("%j", (text, command) => {
    expect(parseCommand(text)).toEqual(command);
  });

  it.each(["/shot https://example.com/", "/shot //example.com/x", "/shot /\\example.com", "/shot pricing", "/shot /a /b", "/shot wide wide", "/shot javascript:alert(1)"])("%j is refused in one line", (text) => {
    const parsed = parseCommand(text);
    expect(parsed?.type).toBe("invalid");
    expect(parsed && "reason" in parsed ? parsed.reason : "").toMatch(/^\/shot takes [^\n]+$/);
  });
});
