import { describe, expect, it } from "vitest";
import { attachmentFailedLine, fileNotPassedOn, NO_MEDIA_STORAGE } from "../../../src/media/media-replies";
import { approvalModeReply, progressReply, voiceEchoReply } from "../../../src/config/settings-replies";

describe("the switches", () => {
  it.each<[string, string]>([
    [voiceEchoReply(true), "Voice notes: I tell you what I heard before the agent acts on it. /voice echo off stops that."],
    [voiceEchoReply(false), "Voice notes: no echo of what I heard. /voice echo on brings it back."],
    [progressReply(true), "Progress updates are on: after a minute, a run sends a short update at most every 2 minutes. /progress off stops them."],
    [progressReply(false), "Progress updates are off: a long run shows only WhatsApp's typing indicator. /progress on brings them back."],
    [approvalModeReply("api", "edits", "edits", true), "Approvals in api were already edits."],
    [approvalModeReply("api", "edits", "on", false), "Approvals in api: on (was edits)."],
    [approvalModeReply("api", "off", "on", true), "Approvals in api: on (was off). The run in progress keeps the mode it started with."],
  ])("%s", (text, expected) => {
    expect(text).toBe(expected);
  });
});

describe("attachmentFailedLine", () => {
  it.each<[Parameters<typeof attachmentFailedLine>[0], string]>([
    [{ index: 0, count: 1, contentType: "image/jpeg", reason: "Twilio answered 404", restWent: false }, "⚠️ I couldn't get your attachment (image/jpeg): Twilio answered 404."],
    [
      { index: 1, count: 3, contentType: "application/pdf", reason: "it is larger than 100 MB", restWent: true },
      "⚠️ I couldn't get attachment 2 (application/pdf): it is larger than 100 MB. The rest of your message went to the agent.",
    ],
    [
      { index: 0, count: 1, contentType: "audio/ogg", reason: NO_MEDIA_STORAGE, restWent: true },
      "⚠️ I couldn't get your attachment (audio/ogg): attachments cannot be stored on this relay (no media storage is configured). The rest of your message went to the agent.",
    ],
  ])("%j", (a, expected) => {
    expect(attachmentFailedLine(a)).toBe(expected);
  });
});

describe("fileNotPassedOn", () => {
  it("names the file and why", () => {
    expect(fileNotPassedOn("report.pdf", "the VM no longer has it")).toBe("⚠️ The agent sent you report.pdf, but it could not be passed on: the VM no longer has it.");
  });
});
