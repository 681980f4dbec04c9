import { describe, expect, it } from "vitest";
import { contentDisposition, mediaHeaders, parseRange, rangeStillValid, safeFilename, unsatisfiableHeaders } from "../../src/media/media-response";

describe("parseRange", () => {
  it.each([
    ["no header", null, 100, { type: "full" }],
    ["an empty header", "", 100, { type: "full" }],
    ["a first range", "bytes=0-9", 100, { type: "partial", range: { start: 0, end: 9 } }],
    ["a middle range", "bytes=10-19", 100, { type: "partial", range: { start: 10, end: 19 } }],
    ["one byte", "bytes=99-99", 100, { type: "partial", range: { start: 99, end: 99 } }],
    ["an end past the size", "bytes=90-1000", 100, { type: "partial", range: { start: 90, end: 99 } }],
    ["an open end", "bytes=40-", 100, { type: "partial", range: { start: 40, end: 99 } }],
    ["a suffix", "bytes=-10", 100, { type: "partial", range: { start: 90, end: 99 } }],
    ["a suffix longer than the file", "bytes=-500", 100, { type: "partial", range: { start: 0, end: 99 } }],
    ["spaces and case", " Bytes = 5-6 ", 100, { type: "partial", range: { start: 5, end: 6 } }],
    ["a start at the size", "bytes=100-", 100, { type: "unsatisfiable" }],
    ["a start past the size", "bytes=200-300", 100, { type: "unsatisfiable" }],
    ["a zero suffix", "bytes=-0", 100, { type: "unsatisfiable" }],
    ["an empty file", "bytes=0-0", 0, { type: "unsatisfiable" }],
    ["several ranges (served whole)", "bytes=0-1,5-6", 100, { type: "full" }],
    ["another unit", "items=0-1", 100, { type: "full" }],
    ["a reversed range (invalid, ignored)", "bytes=9-1", 100, { type: "full" }],
    ["no numbers", "bytes=-", 100, { type: "full" }],
    ["garbage", "bytes=abc", 100, { type: "full" }],
    ["negative numbers", "bytes=-5-10", 100, { type: "full" }],
    ["absurdly long numbers", `bytes=${"9".repeat(40)}-`, 100, { type: "full" }],
  ])("%s", (_name, header, size, expected) => {
    expect(parseRange(header, size)).toEqual(expected);
  });
});

describe("mediaHeaders", () => {
  const png = { contentType: "image/png", size: 1000, kind: "image" as const, ext: "png", etag: '"abc"' };

  it("describes the whole file", () => {
    expect(mediaHeaders(png)).toEqual({
      "content-type": "image/png",
      "content-length": "1000",
      "accept-ranges": "bytes",
      "content-disposition": 'inline; filename="image.png"',
      "cache-control": "private",
      "x-content-type-options": "nosniff",
      "content-security-policy": "default-src 'none'; sandbox",
      etag: '"abc"',
    });
  });

  it("describes a range", () => {
    const headers = mediaHeaders(png, { start: 100, end: 199 });
    expect(headers["content-length"]).toBe("100");
    expect(headers["content-range"]).toBe("bytes 100-199/1000");
  });

  it("says how long the file is when a range cannot be served", () => {
    expect(unsatisfiableHeaders(1000)).toEqual({ "content-range": "bytes */1000", "accept-ranges": "bytes", "cache-control": "private" });
  });
});

describe("contentDisposition and safeFilename", () => {
  it.each([
    ["a document downloads", { kind: "document", ext: "pdf", filename: "report.pdf" }, 'attachment; filename="report.pdf"'],
    ["an image shows inline", { kind: "image", ext: "png", filename: "chart.png" }, 'inline; filename="chart.png"'],
    ["audio shows inline", { kind: "audio", ext: "ogg" }, 'inline; filename="audio.ogg"'],
    ["video shows inline", { kind: "video", ext: "mp4" }, 'inline; filename="video.mp4"'],
  ] as const)("%s", (_name, info, expected) => {
    expect(contentDisposition(info)).toBe(expected);
  });

  it.each([
    ["a plain name", "report.pdf", "pdf", "report.pdf"],
    ["the real extension replaces the claimed one", "chart.jpg", "png", "chart.png"],
    ["a path keeps only its last part", "../../etc/passwd", "txt", "passwd.txt"],
    ["a Windows path too", "C:\\Users\\me\\notes.txt", "txt", "notes.txt"],
    ["spaces and specials become dashes", 'my "best" file (1).docx', "docx", "my-best-file-1.docx"],
    ["accents are dropped, not mangled", "résumé.pdf", "pdf", "resume.pdf"],
    ["quotes and line breaks cannot break the header", 'a"\r\nX-Evil: 1.pdf', "pdf", "a-X-Evil-1.pdf"],
    ["long names are cut to 20 characters", "a-very-long-file-name-for-a-report.pdf", "pdf", "a-very-long-file.pdf"],
    ["nothing usable falls back to the kind", "漢字.pdf", "pdf", "document.pdf"],
    ["no name", undefined, "pdf", "document.pdf"],
  ])("%s", (_name, name, ext, expected) => {
    expect(safeFilename(name, "document", ext)).toBe(expected);
    expect(safeFilename(name, "document", ext).length).toBeLessThanOrEqual(20);
  });
});

describe("rangeStillValid", () => {
  it.each([
    [null, '"abc"', true],
    ['"abc"', '"abc"', true],
    ['"old"', '"abc"', false],
    ["Wed, 21 Oct 2015 07:28:00 GMT", '"abc"', false],
  ])("If-Range %s against %s", (ifRange, etag, expected) => {
    expect(rangeStillValid(ifRange, etag)).toBe(expected);
  });
});
