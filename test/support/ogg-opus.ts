// Reads an Ogg Opus file as a player would, for tests: the Ogg pages (capture pattern, version,
// CRC, one logical stream in sequence), the packets they carry, the `OpusHead` and `OpusTags`
// headers (RFC 7845) and the length it plays: the last granule position less the pre-skip, in
// 48 kHz samples. Pure; a file that a player would refuse gives the first reason, in one line.

export type OggPage = {
  /** Where the page starts in the file. */
  offset: number;
  /** 0x01 continued packet, 0x02 first page of the stream, 0x04 last page. */
  headerType: number;
  /** -1 when no packet ends on the page. */
  granulePosition: bigint;
  serial: number;
  sequence: number;
  /** The lacing values: a packet ends at each value under 255. */
  segments: number[];
  body: Uint8Array;
};

export type OpusHead = { version: number; channels: number; preSkip: number; inputSampleRate: number; outputGain: number; mappingFamily: number };
export type OpusTags = { vendor: string; comments: string[] };

export type OggOpus = {
  pages: OggPage[];
  head: OpusHead;
  tags: OpusTags;
  /** The audio packets, in order (the two header packets excluded). */
  packets: Uint8Array[];
  /** What the packets decode to, from each packet's TOC, in 48 kHz samples (before trimming). */
  packetSamples: number;
  lastGranule: bigint;
  /** (last granule − pre-skip) / 48000. */
  durationSec: number;
  /** The last page carries the end-of-stream flag. */
  ended: boolean;
};

export type Read<T> = { ok: true; value: T } | { ok: false; error: string };

const CAPTURE = [0x4f, 0x67, 0x67, 0x53]; // "OggS"
const HEADER_BYTES = 27;
const OPUS_RATE = 48_000;

const CRC_TABLE = Uint32Array.from({ length: 256 }, (_, i) => {
  let r = i << 24;
  for (let k = 0; k < 8; k++) r = r & 0x80000000 ? (r << 1) ^ 0x04c11db7 : r << 1;
  return r >>> 0;
});

/** Ogg's CRC-32: polynomial 0x04c11db7, not reflected, initial value 0, no final xor. */
export function oggCrc(bytes: Uint8Array): number {
  let crc = 0;
  for (const b of bytes) crc = ((crc << 8) ^ CRC_TABLE[((crc >>> 24) ^ b) & 0xff]!) >>> 0;
  return crc;
}

/** Every page of the file, each checked: capture pattern, version 0, whole, and its CRC. */
export function readOggPages(bytes: Uint8Array): Read<OggPage[]> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const pages: OggPage[] = [];
  let at = 0;
  while (at < bytes.byteLength) {
    const where = `page ${pages.length} (byte ${at})`;
    if (!CAPTURE.every((b, i) => bytes[at + i] === b)) return fail(`${where}: no "OggS" capture pattern`);
    if (at + HEADER_BYTES > bytes.byteLength) return fail(`${where}: the header is cut short`);
    if (bytes[at + 4] !== 0) return fail(`${where}: stream structure version ${bytes[at + 4]}, not 0`);
    const count = bytes[at + 26]!;
    const bodyAt = at + HEADER_BYTES + count;
    if (bodyAt > bytes.byteLength) return fail(`${where}: the segment table is cut short`);
    const segments = [...bytes.subarray(at + HEADER_BYTES, bodyAt)];
    const end = bodyAt + segments.reduce((sum, n) => sum + n, 0);
    if (end > bytes.byteLength) return fail(`${where}: the body is cut short`);
    const page = Uint8Array.from(bytes.subarray(at, end));
    page.fill(0, 22, 26);
    const crc = view.getUint32(at + 22, true);
    if (oggCrc(page) !== crc) return fail(`${where}: bad CRC`);
    pages.push({
      offset: at,
      headerType: bytes[at + 5]!,
      granulePosition: view.getBigInt64(at + 6, true),
      serial: view.getUint32(at + 14, true),
      sequence: view.getUint32(at + 18, true),
      segments,
      body: bytes.subarray(bodyAt, end),
    });
    at = end;
  }
  return pages.length === 0 ? fail("no Ogg pages") : { ok: true, value: pages };
}

/** The file as an Ogg Opus stream: headers, packets and duration, or the first thing wrong with it. */
export function readOggOpus(bytes: Uint8Array): Read<OggOpus> {
  const read = readOggPages(bytes);
  if (!read.ok) return read;
  const pages = read.value;
  const first = pages[0]!;
  if ((first.headerType & 0x02) === 0) return fail("page 0 is not marked as the stream's first (0x02)");
  for (const [i, page] of pages.entries()) {
    if (page.serial !== first.serial) return fail(`page ${i}: a second logical stream (serial ${page.serial})`);
    if (page.sequence !== i) return fail(`page ${i}: sequence number ${page.sequence}, expected ${i}`);
    if (i > 0 && (pages[i - 1]!.headerType & 0x04) !== 0) return fail(`page ${i}: follows the end of the stream`);
  }
  const split = packetsOf(pages);
  if (!split.ok) return split;
  const [headPacket, tagsPacket, ...packets] = split.value;
  const head = readHead(headPacket?.bytes);
  if (!head.ok) return head;
  // RFC 7845 §3: the OpusHead packet alone on the first page; the tags begin on the second.
  if (headPacket!.lastPage !== 0 || split.value.some((p, i) => i > 0 && p.firstPage === 0) || first.segments.at(-1) === 255)
    return fail("OpusHead is not alone on the first page");
  if (tagsPacket?.firstPage !== 1) return fail("OpusTags does not begin on the second page");
  const tags = readTags(tagsPacket.bytes);
  if (!tags.ok) return tags;
  const last = pages.at(-1)!;
  const lastGranule = last.granulePosition;
  let packetSamples = 0;
  for (const [i, packet] of packets.entries()) {
    const samples = opusPacketSamples(packet.bytes);
    if (samples === null) return fail(`audio packet ${i}: not a valid Opus packet`);
    packetSamples += samples;
  }
  if (packets.length > 0 && lastGranule < BigInt(head.value.preSkip)) return fail(`the last granule position (${lastGranule}) is below the pre-skip (${head.value.preSkip})`);
  return {
    ok: true,
    value: {
      pages,
      head: head.value,
      tags: tags.value,
      packets: packets.map((p) => p.bytes),
      packetSamples,
      lastGranule,
      durationSec: packets.length === 0 ? 0 : Number(lastGranule - BigInt(head.value.preSkip)) / OPUS_RATE,
      ended: (last.headerType & 0x04) !== 0,
    },
  };
}

/** 48 kHz samples in one Opus packet, from its TOC byte (RFC 6716 §3.1); null for a malformed one. */
export function opusPacketSamples(packet: Uint8Array): number | null {
  if (packet.byteLength === 0) return null;
  const toc = packet[0]!;
  const config = toc >> 3;
  // SILK 10/20/40/60 ms, hybrid 10/20 ms, CELT 2.5/5/10/20 ms.
  const frame = config < 12 ? [480, 960, 1920, 2880][config & 3]! : config < 16 ? [480, 960][config & 1]! : [120, 240, 480, 960][config & 3]!;
  const code = toc & 0x03;
  if (code === 0) return frame;
  if (code === 1 || code === 2) return 2 * frame;
  if (packet.byteLength < 2) return null;
  const frames = packet[1]! & 0x3f;
  // At most 120 ms in a packet.
  return frames === 0 || frames * frame > 5760 ? null : frames * frame;
}

type Packet = { bytes: Uint8Array; firstPage: number; lastPage: number };

/** The packets, joined across pages by the lacing values; a continuation must follow an unfinished packet. */
function packetsOf(pages: OggPage[]): Read<Packet[]> {
  const packets: Packet[] = [];
  // The parts of a packet that an earlier page began and left unfinished, and that page.
  let parts: Uint8Array[] = [];
  let firstPage = 0;
  for (const [i, page] of pages.entries()) {
    const continued = (page.headerType & 0x01) !== 0;
    if (continued !== parts.length > 0) return fail(`page ${i}: ${continued ? "continues a packet that no page began" : "leaves the previous page's packet unfinished"}`);
    if (!continued) firstPage = i;
    let at = 0;
    let start = 0;
    for (const size of page.segments) {
      at += size;
      if (size === 255) continue;
      packets.push({ bytes: Uint8Array.from([...parts, page.body.subarray(start, at)].flatMap((part) => [...part])), firstPage, lastPage: i });
      parts = [];
      firstPage = i;
      start = at;
    }
    if (start < at) parts.push(page.body.subarray(start, at));
  }
  return parts.length > 0 ? fail("the last packet is unfinished") : { ok: true, value: packets };
}

function readHead(packet: Uint8Array | undefined): Read<OpusHead> {
  if (!packet || ascii(packet, 0, 8) !== "OpusHead") return fail("the first packet is not OpusHead");
  if (packet.byteLength < 19) return fail("OpusHead is shorter than 19 bytes");
  const view = new DataView(packet.buffer, packet.byteOffset, packet.byteLength);
  const head: OpusHead = {
    version: packet[8]!,
    channels: packet[9]!,
    preSkip: view.getUint16(10, true),
    inputSampleRate: view.getUint32(12, true),
    outputGain: view.getInt16(16, true),
    mappingFamily: packet[18]!,
  };
  // A reader takes versions 1 to 15 (the same major version).
  if (head.version === 0 || head.version > 15) return fail(`OpusHead version ${head.version} is not one a player reads`);
  if (head.channels === 0) return fail("OpusHead has no channels");
  if (head.mappingFamily === 0 && head.channels > 2) return fail(`OpusHead mapping family 0 with ${head.channels} channels`);
  return { ok: true, value: head };
}

function readTags(packet: Uint8Array): Read<OpusTags> {
  if (ascii(packet, 0, 8) !== "OpusTags") return fail("the second packet is not OpusTags");
  const view = new DataView(packet.buffer, packet.byteOffset, packet.byteLength);
  const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });
  let at = 8;
  const string = (): string | null => {
    if (at + 4 > packet.byteLength) return null;
    const length = view.getUint32(at, true);
    if (at + 4 + length > packet.byteLength) return null;
    const bytes = packet.subarray(at + 4, at + 4 + length);
    at += 4 + length;
    try {
      return decoder.decode(bytes);
    } catch {
      return null;
    }
  };
  const vendor = string();
  if (vendor === null || at + 4 > packet.byteLength) return fail("OpusTags is cut short");
  const count = view.getUint32(at, true);
  at += 4;
  const comments: string[] = [];
  for (let i = 0; i < count; i++) {
    const comment = string();
    if (comment === null) return fail(`OpusTags comment ${i} is cut short`);
    comments.push(comment);
  }
  return { ok: true, value: { vendor, comments } };
}

function ascii(bytes: Uint8Array, from: number, to: number): string {
  return String.fromCharCode(...bytes.subarray(from, to));
}

function fail(error: string): { ok: false; error: string } {
  return { ok: false, error };
}
