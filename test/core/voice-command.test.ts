import { describe, expect, it } from "vitest";
import { parseCommand, type ParsedCommand } from "../../src/commands/commands";

describe("/voice", () => {
  it.each<[string, ParsedCommand]>([
    ["/voice", { type: "voice_echo", on: null }],
    ["/VOICE", { type: "voice_echo", on: null }],
    ["/voice echo off", { type: "voice_echo", on: false }],
    ["/voice echo ON", { type: "voice_echo", on: true }],
    ["/voice reply auto", { type: "voice_reply", mode: "auto" }],
    ["/voice reply on", { type: "voice_reply", mode: "on" }],
    ["/voice REPLY Off", { type: "voice_reply", mode: "off" }],
  ])("%j → %j", (text, expected) => {
    expect(parseCommand(text)).toEqual(expected);
  });

  it.each(["/voice reply", "/voice reply maybe", "/voice reply on now", "/voice on", "/voice echo auto", "/voice reply always"])(
    "%j is refused in one line that names both switches",
    (text) => {
      const parsed = parseCommand(text);
      expect(parsed?.type).toBe("invalid");
      const message = (parsed as { reason: string }).reason;
      expect(message).toContain("reply auto|on|off");
      expect(message).not.toContain("\n");
    },
  );
});
