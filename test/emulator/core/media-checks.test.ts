// Which fetched media Twilio sends on WhatsApp, and the error code of each refusal, as a table.
import { describe, expect, it } from "vitest";
import { baseMediaType, incomingMessageType, mediaFailure } from "../../../emulator/core/media-checks";

const MB = 1024 * 1024;

describe("mediaFailure", () => {
  it.each([
    ["a PNG screenshot", "image/png", 300_000, "whatsapp", null],
    ["a JPEG of exactly 5 MB", "image/jpeg", 5 * MB, "whatsapp", null],
    ["a JPEG over 5 MB", "image/jpeg", 5 * MB + 1, "whatsapp", 11751],
    ["an OGG/Opus voice note with its codec parameter", "audio/ogg; codecs=opus", 40_000, "whatsapp", null],
    ["MP3 audio of 16 MB", "audio/mpeg", 16 * MB, "whatsapp", null],
    ["audio over 16 MB", "audio/mpeg", 16 * MB + 1, "whatsapp", 11751],
    ["a PDF of 10 MB", "application/pdf", 10 * MB, "whatsapp", null],
    ["a DOCX", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", 20_000, "whatsapp", null],
    ["a document over 16 MB", "application/pdf", 16 * MB + 1, "whatsapp", 11751],
    ["an MP4 video", "video/mp4", 2 * MB, "whatsapp", null],
    ["a GIF, which WhatsApp does not take", "image/gif", 10_000, "whatsapp", 12300],
    ["HTML (an error page instead of the file)", "text/html; charset=utf-8", 900, "whatsapp", 12300],
    ["no Content-Type", null, 900, "whatsapp", 12300],
    ["an empty file", "image/png", 0, "whatsapp", 63019],
    ["a GIF over SMS/MMS, which takes any type", "image/gif", 10_000, "sms", null],
    ["MMS over 5 MB", "image/png", 5 * MB + 1, "sms", 11751],
  ] as const)("%s", (_name, contentType, size, channel, code) => {
    expect(mediaFailure({ contentType, size }, channel)?.code ?? null).toBe(code);
  });
});

describe("incomingMessageType and baseMediaType", () => {
  it.each([
    ["image/jpeg", "image"],
    ["audio/ogg; codecs=opus", "audio"],
    ["video/mp4", "video"],
    ["application/pdf", "document"],
    ["text/plain", "document"],
  ] as const)("%s is MessageType %s", (contentType, type) => {
    expect(incomingMessageType(contentType)).toBe(type);
  });

  it("drops parameters and case", () => {
    expect(baseMediaType("Audio/OGG; codecs=opus")).toBe("audio/ogg");
    expect(baseMediaType(null)).toBe("");
  });
});
