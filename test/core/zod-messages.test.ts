// The issue texts that leave the relay (the agent's tool-argument errors, Twilio form reasons,
// configuration problems) are zod's English ones, as they were under classic zod: the Worker's
// schemas use zod/mini, which loads no messages unless src/shared/zod-messages.ts is imported (without it
// every one of these reads "Invalid input"). Nothing in this file loads classic zod.
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/agent/relay-settings";
import { parseScheduleRequest } from "../../src/schedules/schedule-validate";
import { parseInboundForm } from "../../src/channels/whatsapp/twilio-form";

const SID = `SM${"0".repeat(32)}`;

describe("the agent's schedule tool arguments", () => {
  it.each<[unknown, string]>([
    [{ kind: "cron", prompt: "x" }, "Bad task arguments: expr: Invalid input: expected string, received undefined."],
    [{ kind: "at", at: "17:00", prompt: "x", context: "shared" }, 'Bad task arguments: context: Invalid option: expected one of "fresh"|"chat".'],
    [{ kind: "every", every: "x".repeat(41), prompt: "x" }, "Bad task arguments: every: Too big: expected string to have <=40 characters."],
    [null, "Bad task arguments: input: Invalid input: expected object, received null."],
  ])("%j", (input, reason) => {
    expect(parseScheduleRequest(input)).toEqual({ ok: false, reason });
  });
});

describe("Twilio form reasons", () => {
  it.each<[[string, string][], string]>([
    [[["AccountSid", "AC1"], ["From", "f"], ["To", "t"]], "MessageSid: Invalid input: expected string, received undefined"],
    [[["MessageSid", SID], ["AccountSid", "AC1"], ["From", "f"], ["To", "t"], ["NumMedia", "x"]], "NumMedia: Invalid input: expected number, received NaN"],
    [[["MessageSid", SID], ["AccountSid", "AC1"], ["From", "f"], ["To", "t"], ["NumMedia", "11"]], "NumMedia: Too big: expected number to be <=10"],
    [[["MessageSid", SID], ["AccountSid", "AC1"], ["From", "f"], ["To", "t"], ["ButtonText", "x".repeat(201)]], "ButtonText: Too big: expected string to have <=200 characters"],
  ])("%j", (form, reason) => {
    expect(parseInboundForm(form)).toEqual({ ok: false, reason });
  });
});

describe("configuration problems", () => {
  it.each<[Record<string, unknown>, string[]]>([
    [{ VM_URL: "ftp://vm.example" }, ["VM_URL: Invalid URL"]],
    [{ FLY_IMAGE: "x".repeat(301) }, ["FLY_IMAGE: Too big: expected string to have <=300 characters"]],
    [{ ALLOWED_SENDERS: 15551234567 }, ["ALLOWED_SENDERS: Invalid input: expected string, received number"]],
  ])("%j", (env, problems) => {
    expect(loadConfig(env)).toEqual({ ok: false, problems });
  });
});
