// Puts Opus packets in an Ogg container as RFC 7845 lays it out: the OpusHead packet alone on the
// first page, OpusTags on the second, then the audio a page a second (50 packets of 20 ms), each
// page's granule position the 48 kHz samples completed so far plus the pre-skip; the last page
// marked end of stream, its granule trimming the padding of the last frame. Pure.
import { oggCrc } from "../support/ogg-opus";

export type OggOpusInput = {
  /** Opus packets of 20 ms each. */
  packets: Uint8Array[];
  channels: number;
  /** The encoder's look-ahead, in 48 kHz samples, which a decoder drops from the start. */
  preSkip: number;
  inputSampleRate: number;
  /** The audio's length in 48 kHz samples, pre-skip excluded: what the last granule position keeps. */
  samples: number;
  vendor: string;
  comments: string[];
  serial: number;
};

const SAMPLES_PER_PACKET = 960;
const PACKETS_PER_PAGE = 50;

export function writeOggOpus(input: OggOpusInput): Uint8Array<ArrayBuffer> {
  const pages = [page([opusHead(input)], 0x02, 0n, 0, input.serial), page([opusTags(input.vendor, input.comments)], 0x00, 0n, 1, input.serial)];
  for (let i = 0; i < input.packets.length; i += PACKETS_PER_PAGE) {
    const group = input.packets.slice(i, i + PACKETS_PER_PAGE);
    const last = i + PACKETS_PER_PAGE >= input.packets.length;
    const completed = (i + group.length) * SAMPLES_PER_PACKET;
    const granule = input.preSkip + (last ? Math.min(completed, input.samples) : completed);
    pages.push(page(group, last ? 0x04 : 0x00, BigInt(granule), pages.length, input.serial));
  }
  return concatBytes(pages);
}

function page(packets: Uint8Array[], headerType: number, granule: bigint, sequence: number, serial: number): Uint8Array {
  // A packet of n bytes takes floor(n / 255) segments of 255 and one of the rest (0 when n is a multiple).
  const lacing = packets.flatMap((p) => [...Array<number>(Math.floor(p.byteLength / 255)).fill(255), p.byteLength % 255]);
  if (lacing.length > 255) throw new Error(`an Ogg page holds 255 segments, not ${lacing.length}`);
  const body = concatBytes(packets);
  const out = new Uint8Array(27 + lacing.length + body.byteLength);
  const view = new DataView(out.buffer);
  out.set([0x4f, 0x67, 0x67, 0x53], 0); // "OggS", stream structure version 0
  out[5] = headerType;
  view.setBigInt64(6, granule, true);
  view.setUint32(14, serial, true);
  view.setUint32(18, sequence, true);
  out[26] = lacing.length;
  out.set(lacing, 27);
  out.set(body, 27 + lacing.length);
  view.setUint32(22, oggCrc(out), true);
  return out;
}

function opusHead(input: OggOpusInput): Uint8Array {
  const head = new Uint8Array(19);
  const view = new DataView(head.buffer);
  head.set(ascii("OpusHead"), 0);
  head[8] = 1; // version
  head[9] = input.channels;
  view.setUint16(10, input.preSkip, true);
  view.setUint32(12, input.inputSampleRate, true);
  view.setInt16(16, 0, true); // output gain
  head[18] = 0; // mapping family 0: mono or stereo
  return head;
}

function opusTags(vendor: string, comments: string[]): Uint8Array {
  const field = (s: string) => {
    const bytes = new TextEncoder().encode(s);
    return [u32(bytes.byteLength), bytes];
  };
  return concatBytes([ascii("OpusTags"), ...field(vendor), u32(comments.length), ...comments.flatMap(field)]);
}

function u32(n: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, n, true);
  return out;
}

function ascii(s: string): Uint8Array {
  return Uint8Array.from(s, (ch) => ch.charCodeAt(0));
}

function concatBytes(parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((sum, p) => sum + p.byteLength, 0));
  parts.reduce((at, p) => (out.set(p, at), at + p.byteLength), 0);
  return out;
}
