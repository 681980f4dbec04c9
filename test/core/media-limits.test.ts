import { describe, expect, it } from "vitest";
import { formatSize, outboundMaxBytes, outboundTooLarge, outboundVerdict } from "../../src/media/media-limits";
import { INBOUND_MAX_BYTES, inboundTooLarge } from "../../src/channels/whatsapp/media-limits";
import type { MediaKind, MediaType } from "../../src/media/media-kind";

const MB = 1024 * 1024;
const media = (contentType: string, kind: MediaKind, ext = "x"): MediaType => ({ contentType, kind, ext });

describe("inbound limits (WhatsApp's, per kind)", () => {
  it.each([
    ["image", 5 * MB, "over WhatsApp's 5 MB for images"],
    ["audio", 16 * MB, "over WhatsApp's 16 MB for audio"],
    ["video", 16 * MB, "over WhatsApp's 16 MB for videos"],
    ["document", 100 * MB, "over WhatsApp's 100 MB for documents"],
  ] as const)("%s: %i bytes", (kind, max, reason) => {
    expect(INBOUND_MAX_BYTES[kind]).toBe(max);
    expect(inboundTooLarge(kind)).toBe(reason);
  });
});

describe("outboundVerdict (what WhatsApp takes through Twilio)", () => {
  it.each([
    ["JPEG", media("image/jpeg", "image"), true],
    ["PNG", media("image/png", "image"), true],
    ["a PDF", media("application/pdf", "document"), true],
    ["OGG Opus", media("audio/ogg; codecs=opus", "audio"), true],
    ["MP3", media("audio/mpeg", "audio"), true],
    ["M4A", media("audio/mp4", "audio"), true],
    ["AAC", media("audio/aac", "audio"), true],
    ["AMR", media("audio/amr", "audio"), true],
    ["MP4 video", media("video/mp4", "video"), true],
    ["3GP video", media("video/3gpp", "video"), true],
    ["DOCX", media("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "document"), false],
    ["XLSX", media("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "document"), false],
    ["PPTX", media("application/vnd.openxmlformats-officedocument.presentationml.presentation", "document"), false],
    ["DOC", media("application/msword", "document"), false],
    ["a vCard", media("text/vcard", "document"), false],
  ])("sends %s (inline: %s)", (_name, type, inline) => {
    expect(outboundVerdict(type)).toEqual({ ok: true, inline });
  });

  it.each([
    ["WEBP", media("image/webp", "image"), /only as stickers; convert it to PNG or JPEG/],
    ["GIF", media("image/gif", "image"), /convert it to PNG or JPEG/],
    ["HEIC", media("image/heic", "document"), /convert it to JPEG/],
    ["OGG Vorbis", media("audio/ogg", "audio"), /only with the Opus codec/],
    ["WAV", media("audio/wav", "audio"), /convert it to MP3 or OGG\/Opus/],
    ["MOV", media("video/quicktime", "video"), /convert it to MP4/],
    ["XLS", media("application/vnd.ms-excel", "document"), /convert it to XLSX/],
    ["a ZIP", media("application/zip", "document"), /send the files themselves/],
    ["plain text", media("text/plain; charset=utf-8", "document"), /send the text as a message/],
    ["JSON", media("application/json; charset=utf-8", "document"), /send the text as a message/],
    ["anything else", media("application/x-foo", "document"), /does not take application\/x-foo files/],
  ])("refuses %s with what to do", (_name, type, reason) => {
    const verdict = outboundVerdict(type);
    expect(verdict.ok).toBe(false);
    expect(!verdict.ok && verdict.reason).toMatch(reason);
  });

  it.each([
    ["an image", media("image/png", "image"), 5_000_000, /5 MB for images; make it smaller/],
    ["audio", media("audio/mpeg", "audio"), 16_000_000, /16 MB for a file; compress it or split it/],
    ["a document", media("application/pdf", "document"), 16_000_000, /16 MB for a file/],
  ])("limits %s to %i bytes", (_name, type, max, reason) => {
    expect(outboundMaxBytes(type)).toBe(max);
    expect(outboundTooLarge(type)).toMatch(reason);
  });
});

describe("formatSize", () => {
  it.each([
    [0, "0 bytes"],
    [820, "820 bytes"],
    [1024, "1 KB"],
    [240 * 1024 + 100, "240 KB"],
    [MB, "1 MB"],
    [7.25 * MB, "7.3 MB"],
    [16 * MB, "16 MB"],
    [100 * MB, "100 MB"],
  ])("%i → %s", (bytes, text) => {
    expect(formatSize(bytes)).toBe(text);
  });
});
