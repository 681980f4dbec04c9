// What send_file may send: the path inside the project, the type from the bytes, WhatsApp's limits.
import { describe, expect, it } from "vitest";
import { SendFileCallArgsSchema } from "../../../src/protocol/vm/files";
import { displayNameOf, outsideProjectRefusal, requestedPath, sendableRefusal, sniffType, type Sniffed } from "../../src/core/outbound-file";

const PROJECT = "/data/users/abc/workspaces/web";

describe("requestedPath and outsideProjectRefusal", () => {
  // [asked, where it points before links are resolved, inside after realpath (links resolved the same here)]
  const cases: Array<[string, string | null, boolean]> = [
    ["out/chart.png", `${PROJECT}/out/chart.png`, true],
    [`${PROJECT}/out/chart.png`, `${PROJECT}/out/chart.png`, true],
    ["./a/../b.pdf", `${PROJECT}/b.pdf`, true],
    ["../../x", "/data/users/abc/x", false],
    ["../web2/x.png", "/data/users/abc/workspaces/web2/x.png", false],
    ["/etc/passwd", "/etc/passwd", false],
    [".", PROJECT, false],
    ["a\0b", null, false],
    ["", null, false],
    ["   ", null, false],
  ];
  for (const [asked, resolved, inside] of cases) {
    it(`${JSON.stringify(asked)} → ${resolved ?? "refused"}`, () => {
      const requested = requestedPath(PROJECT, asked);
      if (resolved === null) return expect(requested.ok).toBe(false);
      expect(requested).toEqual({ ok: true, path: resolved });
      expect(outsideProjectRefusal(PROJECT, resolved, asked) === null).toBe(inside);
    });
  }

  it("refuses a link inside the project that resolves outside it", () => {
    expect(outsideProjectRefusal(PROJECT, "/data/users/other/secret.png", "shot.png")).toBe("shot.png is outside the project; only files in the project directory can be sent");
  });
});

const bytes = (...parts: Array<string | number[]>) => new Uint8Array(Buffer.concat(parts.map((p) => (typeof p === "string" ? Buffer.from(p, "latin1") : Buffer.from(p)))));
const ftyp = (brand: string) => bytes([0, 0, 0, 0x18], "ftyp", brand, "\0\0\0\0");

describe("sniffType", () => {
  const cases: Array<[string, Uint8Array, string, string]> = [
    ["JPEG", bytes([0xff, 0xd8, 0xff, 0xe0]), "png", "image/jpeg"],
    ["PNG named .jpg", bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), "jpg", "image/png"],
    ["PDF", bytes("%PDF-1.7\n"), "txt", "application/pdf"],
    ["OGG/Opus", bytes("OggS", [0, 2], "\0".repeat(22), "OpusHead"), "ogg", "audio/ogg"],
    ["AMR", bytes("#!AMR\n"), "", "audio/amr"],
    ["MP3 with ID3", bytes("ID3", [4, 0]), "", "audio/mpeg"],
    ["MP3 frame", bytes([0xff, 0xfb, 0x90, 0x64]), "", "audio/mpeg"],
    ["AAC ADTS", bytes([0xff, 0xf1, 0x50, 0x80]), "", "audio/aac"],
    ["M4A", ftyp("M4A "), "", "audio/mp4"],
    ["MP4", ftyp("isom"), "mov", "video/mp4"],
    ["3GP", ftyp("3gp5"), "", "video/3gpp"],
    ["DOCX", bytes([0x50, 0x4b, 0x03, 0x04], "\0".repeat(26), "[Content_Types].xml", "word/document.xml"), "zip", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"],
    ["XLSX", bytes([0x50, 0x4b, 0x03, 0x04], "\0".repeat(26), "xl/workbook.xml"), "", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"],
    ["PPTX", bytes([0x50, 0x4b, 0x03, 0x04], "\0".repeat(26), "ppt/presentation.xml"), "", "application/vnd.openxmlformats-officedocument.presentationml.presentation"],
    ["DOC", bytes([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), "doc", "application/msword"],
    ["vCard", bytes("BEGIN:VCARD\r\nVERSION:3.0\r\n"), "txt", "text/vcard"],
  ];
  for (const [what, head, ext, type] of cases) it(`${what} → ${type}`, () => expect(sniffType(head, ext)).toEqual({ type }));

  const refused: Array<[string, Uint8Array, string, RegExp]> = [
    ["a GIF", bytes("GIF89a"), "png", /GIF/],
    ["WebP", bytes("RIFF\0\0\0\0WEBP"), "png", /stickers/],
    ["WAV", bytes("RIFF\0\0\0\0WAVE"), "mp3", /WAV/],
    ["HEIC", ftyp("heic"), "jpg", /HEIC/],
    ["QuickTime", ftyp("qt  "), "mp4", /QuickTime/],
    ["OGG/Vorbis", bytes("OggS", [0, 2], "\0".repeat(22), [1], "vorbis"), "ogg", /Opus/],
    ["a ZIP", bytes([0x50, 0x4b, 0x03, 0x04], "\0".repeat(26), "src/index.ts"), "docx", /ZIP/],
    ["an old XLS", bytes([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), "xls", /old-style Office/],
    ["plain text named .pdf", bytes("hello, world\n"), "pdf", /plain-text/],
    ["an ELF binary named .png", bytes([0x7f], "ELF", [2, 1, 1, 0, 0, 0]), "png", /does not take/],
  ];
  for (const [what, head, ext, why] of refused) {
    it(`refuses ${what}`, () => {
      const sniffed = sniffType(head, ext);
      expect("refused" in sniffed).toBe(true);
      expect(sendableRefusal("f", 10, sniffed)).toMatch(why);
    });
  }
});

describe("sendableRefusal", () => {
  const png: Sniffed = { type: "image/png" };
  const pdf: Sniffed = { type: "application/pdf" };
  const mp3: Sniffed = { type: "audio/mpeg" };
  const cases: Array<[string, number, Sniffed, string | null]> = [
    ["shot.png", 5_000_000, png, null],
    ["shot.png", 5_000_001, png, "shot.png is 5 MB (image/png); WhatsApp takes images up to 5 MB: scale it down or save it as a JPEG of lower quality"],
    ["big.png", 7_200_000, png, "big.png is 7.2 MB (image/png); WhatsApp takes images up to 5 MB: scale it down or save it as a JPEG of lower quality"],
    ["report.pdf", 16_000_000, pdf, null],
    ["report.pdf", 23_400_000, pdf, "report.pdf is 23 MB (application/pdf); WhatsApp takes documents up to 16 MB: compress it, split it, or send a smaller excerpt"],
    ["talk.mp3", 17_000_000, mp3, "talk.mp3 is 17 MB (audio/mpeg); WhatsApp takes audio up to 16 MB: shorten it or lower its bit rate"],
    ["empty.pdf", 0, pdf, "empty.pdf is empty; there is nothing to send"],
  ];
  for (const [name, size, sniffed, text] of cases) it(`${name}, ${size} bytes`, () => expect(sendableRefusal(name, size, sniffed)).toBe(text));
});

describe("the tool_call's args", () => {
  it("names the file without its directories or control characters", () => {
    expect(displayNameOf(`${PROJECT}/out/chart.png`)).toBe("chart.png");
    expect(displayNameOf(`${PROJECT}/out/a\nb.png`)).toBe("ab.png");
  });

  it("is what the relay parses", () => {
    const args = { fileId: "file_abc", name: "chart.png", contentType: "image/png", size: 1234, caption: "the chart" };
    expect(SendFileCallArgsSchema.parse(args)).toEqual(args);
    expect(SendFileCallArgsSchema.safeParse({ ...args, contentType: "image/gif" }).success).toBe(false);
    expect(SendFileCallArgsSchema.safeParse({ ...args, name: "../x.png" }).success).toBe(false);
    expect(SendFileCallArgsSchema.safeParse({ ...args, size: 16_000_001 }).success).toBe(false);
  });
});
