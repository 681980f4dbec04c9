// The tests' Ogg Opus reader (test/support/ogg-opus.ts): a file a player takes is read whole, and
// each thing a player would refuse is named.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { oggCrc, opusPacketSamples, readOggOpus, readOggPages } from "../support/ogg-opus";

const ascii = (s: string) => new TextEncoder().encode(s);

function u32(n: number): number[] {
  return [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];
}

/** One Ogg page built by hand (the CRC from the reader's own function, checked against the standard's value below). */
function page(packets: Uint8Array[], options: { type?: number; granule?: bigint; serial?: number; sequence: number; open?: Uint8Array }): Uint8Array {
  const lacing: number[] = [];
  for (const p of packets) lacing.push(...Array<number>(Math.floor(p.byteLength / 255)).fill(255), p.byteLength % 255);
  if (options.open) lacing.push(...Array<number>(options.open.byteLength / 255).fill(255));
  const body = [...packets, ...(options.open ? [options.open] : [])].flatMap((p) => [...p]);
  const out = new Uint8Array(27 + lacing.length + body.length);
  const view = new DataView(out.buffer);
  out.set(ascii("OggS"), 0);
  out[5] = options.type ?? 0;
  view.setBigInt64(6, options.granule ?? 0n, true);
  view.setUint32(14, options.serial ?? 7, true);
  view.setUint32(18, options.sequence, true);
  out[26] = lacing.length;
  out.set(lacing, 27);
  out.set(body, 27 + lacing.length);
  view.setUint32(22, oggCrc(out), true);
  return out;
}

function opusHead(preSkip = 312, version = 1, channels = 1): Uint8Array {
  return Uint8Array.from([...ascii("OpusHead"), version, channels, preSkip & 0xff, preSkip >> 8, ...u32(48_000), 0, 0, 0]);
}

function opusTags(comments: string[], vendor = "test vendor"): Uint8Array {
  const field = (s: string) => [...u32(ascii(s).byteLength), ...ascii(s)];
  return Uint8Array.from([...ascii("OpusTags"), ...field(vendor), ...u32(comments.length), ...comments.flatMap(field)]);
}

/** A 20 ms CELT packet (config 31, one frame) and a 60 ms one (code 3, three frames). */
const FRAME_20MS = Uint8Array.from([0xf8, 1, 2, 3]);
const FRAMES_60MS = Uint8Array.from([0xfb, 3, 1, 2]);

function join(...pages: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(pages.reduce((n, p) => n + p.byteLength, 0));
  pages.reduce((at, p) => (out.set(p, at), at + p.byteLength), 0);
  return out;
}

/** Head, tags, and one second of audio (50 packets of 20 ms) on two pages, the last marked. */
function goodFile(): Uint8Array {
  const audio = Array<Uint8Array>(50).fill(FRAME_20MS);
  return join(
    page([opusHead()], { type: 0x02, sequence: 0 }),
    page([opusTags(["TITLE=hello"])], { sequence: 1 }),
    page(audio.slice(0, 25), { sequence: 2, granule: 312n + 25n * 960n }),
    page(audio.slice(25), { type: 0x04, sequence: 3, granule: 312n + 50n * 960n }),
  );
}

function withByte(bytes: Uint8Array, at: number, value: number): Uint8Array {
  const copy = Uint8Array.from(bytes);
  copy[at] = value;
  return copy;
}

describe("oggCrc", () => {
  it("gives the standard check value of CRC-32 with Ogg's parameters (0x04c11db7, initial 0, no xor) for '123456789'", () => {
    // CRC-32/POSIX's check value is 0x765e7680 with a final xor of 0xffffffff; Ogg's has none.
    expect(oggCrc(ascii("123456789"))).toBe((0x765e7680 ^ 0xffffffff) >>> 0);
    expect(oggCrc(new Uint8Array())).toBe(0);
  });
});

describe("readOggOpus", () => {
  it("reads the committed voice note (libopus, 16 kHz input, 3 s) as a player does", () => {
    const read = readOggOpus(readFileSync(new URL("../fixtures/voice-note.ogg", import.meta.url)));
    if (!read.ok) throw new Error(read.error);
    expect(read.value.head).toEqual({ version: 1, channels: 1, preSkip: 312, inputSampleRate: 16_000, outputGain: 0, mappingFamily: 0 });
    expect(read.value.tags.vendor).toBe("libopus 1.4 (opusscript)");
    expect(read.value.tags.comments).toContain("TRANSCRIPT=fix the flaky test in the api");
    expect(read.value.packets).toHaveLength(150);
    expect(read.value.packetSamples).toBe(150 * 960);
    expect(read.value.durationSec).toBe(3);
    expect(read.value.ended).toBe(true);
  });

  it("reads a file built page by page: pages, packets, duration from the last granule less the pre-skip", () => {
    const read = readOggOpus(goodFile());
    if (!read.ok) throw new Error(read.error);
    expect(read.value.pages.map((p) => [p.sequence, p.headerType, p.granulePosition])).toEqual([
      [0, 2, 0n],
      [1, 0, 0n],
      [2, 0, 312n + 25n * 960n],
      [3, 4, 312n + 50n * 960n],
    ]);
    expect(read.value.tags).toEqual({ vendor: "test vendor", comments: ["TITLE=hello"] });
    expect(read.value.packets).toHaveLength(50);
    expect(read.value.durationSec).toBe(1);
    expect(read.value.ended).toBe(true);
  });

  it("joins a packet that runs across pages (a 600-byte OpusTags on two pages), and trims the end by the granule", () => {
    const tags = opusTags(["COMMENT=" + "x".repeat(600 - 8 - 4 - 11 - 4 - 4 - 8)]);
    expect(tags.byteLength).toBe(600);
    const file = join(
      page([opusHead(100)], { type: 0x02, sequence: 0 }),
      page([], { sequence: 1, granule: -1n, open: tags.subarray(0, 510) }),
      page([tags.subarray(510)], { type: 0x01, sequence: 2 }),
      // 60 ms of packets, of which the granule keeps 30 ms after the 100-sample pre-skip.
      page([FRAMES_60MS], { type: 0x04, sequence: 3, granule: 100n + 1440n }),
    );
    const read = readOggOpus(file);
    if (!read.ok) throw new Error(read.error);
    expect(read.value.tags.comments[0]).toHaveLength(600 - 8 - 4 - 11 - 4 - 4);
    expect(read.value.packetSamples).toBe(2880);
    expect(read.value.durationSec).toBe(0.03);
  });

  const good = goodFile();
  const headPage = page([opusHead()], { type: 0x02, sequence: 0 });
  const tagsPage = page([opusTags([])], { sequence: 1 });
  const audioPage = page([FRAME_20MS], { type: 0x04, sequence: 2, granule: 312n + 960n });
  it.each([
    ["no capture pattern", withByte(good, 0, 0x78), 'page 0 (byte 0): no "OggS" capture pattern'],
    ["a flipped byte (CRC)", withByte(good, 40, good[40]! ^ 1), "page 0 (byte 0): bad CRC"],
    ["a page cut short", good.subarray(0, good.byteLength - 1), "page 3"],
    ["stray bytes after the last page", join(good, ascii("junk")), "no \"OggS\" capture pattern"],
    ["a stream structure version 1", (() => { const p = withByte(headPage, 4, 1); return join(p, tagsPage, audioPage); })(), "stream structure version 1"],
    ["nothing", new Uint8Array(), "no Ogg pages"],
    ["a first page not marked first", join(page([opusHead()], { sequence: 0 }), tagsPage, audioPage), "not marked as the stream's first"],
    ["a second stream", join(headPage, page([opusTags([])], { sequence: 1, serial: 8 }), audioPage), "a second logical stream"],
    ["a missing page", join(headPage, audioPage), "sequence number 2, expected 1"],
    ["Vorbis, not Opus", join(page([ascii("\x01vorbis-identification")], { type: 0x02, sequence: 0 }), tagsPage, audioPage), "the first packet is not OpusHead"],
    ["OpusHead version 0", join(page([opusHead(312, 0)], { type: 0x02, sequence: 0 }), tagsPage, audioPage), "OpusHead version 0"],
    ["OpusHead with no channels", join(page([opusHead(312, 1, 0)], { type: 0x02, sequence: 0 }), tagsPage, audioPage), "no channels"],
    ["OpusHead sharing its page", join(page([opusHead(), opusTags([])], { type: 0x02, sequence: 0 }), page([FRAME_20MS], { type: 0x04, sequence: 1, granule: 1272n })), "not alone on the first page"],
    ["no OpusTags", join(headPage, page([FRAME_20MS], { type: 0x04, sequence: 1, granule: 1272n })), "the second packet is not OpusTags"],
    ["OpusTags cut short", join(headPage, page([opusTags(["A=b"]).subarray(0, 30)], { sequence: 1 }), page([FRAME_20MS], { type: 0x04, sequence: 2, granule: 1272n })), "OpusTags comment 0 is cut short"],
    ["an empty audio packet", join(headPage, tagsPage, page([new Uint8Array()], { type: 0x04, sequence: 2, granule: 1272n })), "audio packet 0: not a valid Opus packet"],
    ["a granule below the pre-skip", join(headPage, tagsPage, page([FRAME_20MS], { type: 0x04, sequence: 2, granule: 100n })), "below the pre-skip"],
    ["a continuation no page began", join(headPage, tagsPage, page([FRAME_20MS], { type: 0x05, sequence: 2, granule: 1272n })), "continues a packet that no page began"],
    ["a page after the end of the stream", join(headPage, tagsPage, audioPage, page([FRAME_20MS], { sequence: 3, granule: 2232n })), "page 3: follows the end of the stream"],
    ["an unfinished last packet", join(headPage, tagsPage, page([], { type: 0x04, sequence: 2, open: new Uint8Array(255).fill(0xf8) })), "the last packet is unfinished"],
  ])("refuses %s", (_name, bytes, error) => {
    const read = readOggOpus(bytes);
    expect(read.ok).toBe(false);
    if (!read.ok) expect(read.error).toContain(error);
  });

  it("says a stream without the end-of-stream flag has not ended", () => {
    const read = readOggOpus(join(headPage, tagsPage, page([FRAME_20MS], { sequence: 2, granule: 1272n })));
    expect(read.ok && read.value.ended).toBe(false);
    expect(read.ok && read.value.durationSec).toBe(0.02);
  });
});

describe("readOggPages", () => {
  it("keeps each page's lacing values and body", () => {
    const read = readOggPages(page([new Uint8Array(300), new Uint8Array(255)], { sequence: 0 }));
    if (!read.ok) throw new Error(read.error);
    expect(read.value[0]!.segments).toEqual([255, 45, 255, 0]);
    expect(read.value[0]!.body.byteLength).toBe(555);
  });
});

describe("opusPacketSamples", () => {
  it.each([
    ["SILK 10 ms", [0x00], 480],
    ["SILK 60 ms", [0x18], 2880],
    ["hybrid 20 ms", [0x68], 960],
    ["CELT 2.5 ms", [0x80], 120],
    ["CELT 20 ms, two frames (code 1)", [0xf9], 1920],
    ["CELT 20 ms, two frames (code 2)", [0xfa], 1920],
    ["CELT 20 ms, three frames (code 3)", [0xfb, 0x03], 2880],
    ["code 3 without its frame count", [0xfb], null],
    ["code 3 with no frames", [0xfb, 0x00], null],
    ["code 3 over 120 ms", [0xfb, 0x07], null],
    ["an empty packet", [], null],
  ])("%s", (_name, bytes, samples) => {
    expect(opusPacketSamples(Uint8Array.from(bytes))).toBe(samples);
  });
});
