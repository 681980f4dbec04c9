import { describe, expect, it } from "vitest";
import { telegramCommands } from "../../src/channels/telegram/command-menu";
import { COMMAND_HELP } from "../../src/commands/commands";

describe("telegramCommands", () => {
  it("one entry per command word, in /help's order, admins' left out", () => {
    const menu = telegramCommands([
      { usage: "/help", description: "this list" },
      { usage: "/new", description: "a fresh session" },
      { usage: "/new <name> [git-url]", description: "a new conversation" },
      { usage: "@<name> <text>", description: "one message to that conversation" },
      { usage: "yes, no, always [n|all]", description: "answer a prompt" },
      { usage: "/Schedule_x every 2h", description: "x".repeat(300) },
      { usage: "/web-page", description: "a usage cut where Telegram's characters end" },
      { usage: "/vm", description: "admins: check the VM" },
    ]);
    expect(menu.map((c) => c.command)).toEqual(["help", "new", "schedule_x", "web"]);
    expect(menu[0]).toEqual({ command: "help", description: "This list" });
    expect(menu[2]!.description).toHaveLength(256);
  });

  it("the relay's own commands make a menu Telegram takes", () => {
    const menu = telegramCommands(COMMAND_HELP);
    expect(menu.length).toBeGreaterThan(10);
    expect(menu.length).toBeLessThanOrEqual(100);
    for (const { command, description } of menu) {
      expect(command).toMatch(/^[a-z0-9_]{1,32}$/);
      expect(description.length).toBeGreaterThanOrEqual(1);
      expect(description.length).toBeLessThanOrEqual(256);
    }
    expect(menu.map((c) => c.command)).toEqual(expect.arrayContaining(["help", "stop", "status", "undo"]));
    expect(menu.map((c) => c.command)).not.toContain("users");
  });

  it.each(["link", "unlink", "notify", "ship", "github", "autofix", "trigger", "triggers"])("/%s is in the menu, described as /help describes it", (word) => {
    const entry = telegramCommands(COMMAND_HELP).find((c) => c.command === word);
    expect(entry?.description).toMatch(/^[A-Z]/);
    expect(entry!.description.length).toBeGreaterThan(10);
  });

  it("a command word Telegram refuses (too long, not a-z0-9_) stays out, the rest in", () => {
    const menu = telegramCommands([
      { usage: `/${"a".repeat(32)}`, description: "thirty-two" },
      { usage: `/${"b".repeat(33)}`, description: "thirty-three" },
      { usage: "/trigger add <name>", description: "a trigger" },
      { usage: "/triggers, /trigger remove <name>", description: "the triggers" },
      { usage: "/é", description: "not latin" },
    ]);
    expect(menu.map((c) => c.command)).toEqual(["a".repeat(32), "trigger", "triggers"]);
  });
});
