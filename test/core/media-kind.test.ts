import { describe, expect, it } from "vitest";
import { baseType, sniffMedia } from "../../src/media/media-kind";

const text = (s: string) => new TextEncoder().encode(s);
const bytes = (...parts: (number[] | string)[]) => {
  const out: number[] = [];
  for (const part of parts) out.push(...(typeof part === "string" ? text(part) : part));
  return new Uint8Array(out);
};
const pad = (n: number) => new Array<number>(n).fill(0x20);
/** An ISO media file's start: box size, `ftyp`, the major brand. */
const ftyp = (brand: string) => bytes([0, 0, 0, 0x18], "ftyp", brand, [0, 0, 0, 0], "isommp42");
/** A ZIP whose first entry has this name (local file header: name at offset 30). */
const zipWith = (...names: string[]) => bytes(...names.flatMap((name) => [[0x50, 0x4b, 0x03, 0x04, ...new Array<number>(26).fill(1)], name]));
/** An Ogg page whose first packet (at 28) starts with `packet`. */
const oggWith = (packet: number[] | string) => bytes("OggS", new Array<number>(24).fill(2), packet, new Array<number>(8).fill(3));

const DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
const XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
const PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation";

describe("sniffMedia", () => {
  it.each([
    // [name, bytes, declared type, expected content type, kind, ext]
    ["JPEG", bytes([0xff, 0xd8, 0xff, 0xe0], "JFIF"), "image/jpeg", "image/jpeg", "image", "jpg"],
    ["PNG", bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13], "IHDR"), "image/png", "image/png", "image", "png"],
    ["a PNG declared as audio", bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], "IHDR"), "audio/ogg", "image/png", "image", "png"],
    ["GIF", bytes("GIF89a", [1, 0, 1, 0]), null, "image/gif", "image", "gif"],
    ["WEBP (a sticker)", bytes("RIFF", [0x10, 0, 0, 0], "WEBPVP8 "), "image/webp", "image/webp", "image", "webp"],
    ["WAV", bytes("RIFF", [0x10, 0, 0, 0], "WAVEfmt "), null, "audio/wav", "audio", "wav"],
    ["PDF", bytes("%PDF-1.7\n%\xe2\xe3"), "application/pdf", "application/pdf", "document", "pdf"],
    ["a PDF declared as an image", bytes("%PDF-1.4\n"), "image/jpeg", "application/pdf", "document", "pdf"],
    ["OGG Opus (a voice note)", oggWith("OpusHead"), "audio/ogg; codecs=opus", "audio/ogg; codecs=opus", "audio", "ogg"],
    ["OGG Vorbis", oggWith([0x01, ...text("vorbis")]), "audio/ogg", "audio/ogg", "audio", "ogg"],
    ["OGG Theora", oggWith([0x80, ...text("theora")]), null, "video/ogg", "video", "ogg"],
    ["M4A", ftyp("M4A "), "audio/mp4", "audio/mp4", "audio", "m4a"],
    ["MP4 video", ftyp("isom"), "video/mp4", "video/mp4", "video", "mp4"],
    ["MP4 declared as audio", ftyp("mp42"), "audio/mp4", "audio/mp4", "audio", "m4a"],
    ["MP4 declared as a PDF", ftyp("mp42"), "application/pdf", "video/mp4", "video", "mp4"],
    ["3GP video", ftyp("3gp4"), "video/3gpp", "video/3gpp", "video", "3gp"],
    ["3GP audio", ftyp("3gp5"), "audio/3gpp", "audio/3gpp", "audio", "3gp"],
    ["QuickTime", ftyp("qt  "), "video/quicktime", "video/quicktime", "video", "mov"],
    ["HEIC", ftyp("heic"), "image/heic", "image/heic", "document", "heic"],
    ["MP3 with ID3", bytes("ID3", [4, 0, 0, 0, 0, 0, 0]), "audio/mpeg", "audio/mpeg", "audio", "mp3"],
    ["MP3 frame (MPEG-1 layer III, 128 kbit/s)", bytes([0xff, 0xfb, 0x90, 0x64]), "audio/mpeg", "audio/mpeg", "audio", "mp3"],
    ["AAC ADTS", bytes([0xff, 0xf1, 0x50, 0x80, 0x02, 0x1f, 0xfc]), "audio/aac", "audio/aac", "audio", "aac"],
    ["AMR", bytes("#!AMR\n", [0x3c]), "audio/amr", "audio/amr", "audio", "amr"],
    ["AMR-WB", bytes("#!AMR-WB\n", [0x04]), "audio/amr-wb", "audio/amr-wb", "audio", "amr"],
    ["DOCX", zipWith("[Content_Types].xml", "_rels/.rels", "word/document.xml"), DOCX, DOCX, "document", "docx"],
    ["XLSX declared as a generic ZIP", zipWith("[Content_Types].xml", "xl/workbook.xml"), "application/zip", XLSX, "document", "xlsx"],
    ["PPTX", zipWith("[Content_Types].xml", "ppt/presentation.xml"), PPTX, PPTX, "document", "pptx"],
    ["a DOCX embedding a workbook (first part name wins)", zipWith("[Content_Types].xml", "word/document.xml", "xl/embeddings/x.xml"), DOCX, DOCX, "document", "docx"],
    ["an Office file whose parts are further on, declared", zipWith("[Content_Types].xml", "docProps/app.xml"), PPTX, PPTX, "document", "pptx"],
    ["a plain ZIP", zipWith("src/index.ts"), "application/zip", "application/zip", "document", "zip"],
    ["a plain ZIP declared as DOCX, no parts seen", zipWith("notes.txt"), DOCX, DOCX, "document", "docx"],
    ["legacy Word (OLE2), declared", bytes([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1], pad(8)), "application/msword", "application/msword", "document", "doc"],
    ["legacy Excel (OLE2), declared", bytes([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1], pad(8)), "application/vnd.ms-excel", "application/vnd.ms-excel", "document", "xls"],
    ["vCard", bytes("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Alice\r\nEND:VCARD\r\n"), "text/vcard", "text/vcard", "document", "vcf"],
    ["plain text", bytes("TODO:\n- fix the flaky test\n"), "text/plain", "text/plain; charset=utf-8", "document", "txt"],
    ["UTF-8 text with a BOM", bytes([0xef, 0xbb, 0xbf], "héllo wörld"), null, "text/plain; charset=utf-8", "document", "txt"],
    ["CSV, declared", bytes("a,b\n1,2\n"), "text/csv", "text/csv; charset=utf-8", "document", "csv"],
    ["JSON, declared", bytes('{"a": 1}'), "application/json", "application/json; charset=utf-8", "document", "json"],
    ["HTML is never served as HTML", bytes("<html><script>alert(1)</script></html>"), "text/html", "text/plain; charset=utf-8", "document", "txt"],
    ["SVG is stored as text", bytes('<svg xmlns="http://www.w3.org/2000/svg"/>'), "image/svg+xml", "text/plain; charset=utf-8", "document", "txt"],
  ])("%s", (_name, head, declared, contentType, kind, ext) => {
    expect(sniffMedia(head, declared)).toEqual({ contentType, kind, ext });
  });

  it.each([
    ["nothing", new Uint8Array(0), "image/png"],
    ["binary noise", bytes([0x00, 0x13, 0x37, 0x00, 0xde, 0xad, 0xbe, 0xef]), "application/pdf"],
    ["invalid UTF-8", bytes([0xc3, 0x28, 0x41, 0x42]), "text/plain"],
    ["OLE2 without a type to tell which", bytes([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), "application/octet-stream"],
    ["an MPEG sync word with a reserved version", bytes([0xff, 0xe9, 0x90, 0x00]), "audio/mpeg"],
    ["a truncated PNG signature", bytes([0x89, 0x50, 0x4e]), "image/png"],
  ])("%s is unknown", (_name, head, declared) => {
    expect(sniffMedia(head, declared)).toBeNull();
  });

  it("keeps a UTF-8 character cut at the end of the head as text", () => {
    const head = text("naïve ".repeat(10)).subarray(0, 3); // "na" + the first byte of "ï"
    expect(sniffMedia(head, null)?.contentType).toBe("text/plain; charset=utf-8");
  });
});

describe("baseType", () => {
  it.each([
    ["audio/ogg; codecs=opus", "audio/ogg"],
    ["Image/PNG", "image/png"],
    ["", ""],
    [null, ""],
  ])("%s → %s", (input, expected) => {
    expect(baseType(input)).toBe(expected);
  });
});
