import { expect, it } from "vitest";
import { parseCommand } from "../../src/commands/commands";
import { helpReply } from "../../src/commands/help";

it.each([
  ["/web", { type: "web", action: "current" }],
  ["/WEB All", { type: "web", action: "all" }],
  ["/web revoke", { type: "web", action: "revoke" }],
  ["/web everything", { type: "invalid", reason: "/web takes nothing, all or revoke, not “everything”." }],
  ["/dashboard", { type: "dashboard" }],
  ["/dashboard now", { type: "invalid", reason: "/dashboard takes no arguments." }],
])("parseCommand(%j)", (text, parsed) => {
  expect(parseCommand(text)).toEqual(parsed);
});

it("lists /web and /dashboard in /help's topics", () => {
  expect(helpReply("changes", false)).toMatch(/\/web, \/web all – /);
  expect(helpReply("admin", true)).toMatch(/\/dashboard – admins/);
});
