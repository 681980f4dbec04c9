// The offline transcriber's "hearing": no speech recognition here, so a voice note says what it
// contains in its own tags. A test or the simulator's sample file puts `TRANSCRIPT=…` (and
// optionally `DURATION=12`) into an Ogg Opus file's comment header (OpusTags), the place real
// recorders put their metadata. Pure: the same bytes always give the same words.

export type OfflineTranscript = { text: string; durationSec: number };

const TEXT_DECODER = new TextDecoder("utf-8", { fatal: false, ignoreBOM: false });

export function offlineTranscript(bytes: Uint8Array): OfflineTranscript {
  const latin = TEXT_DECODER.decode(bytes);
  const said = /TRANSCRIPT=([^\u0000-\u001f]{1,500})/.exec(latin)?.[1]?.trim();
  const seconds = Number(/DURATION=(\d{1,5})/.exec(latin)?.[1] ?? NaN);
  // Without a duration tag: about 2 KB a second, Opus at 16 kbit/s (what WhatsApp records).
  const durationSec = Number.isFinite(seconds) ? seconds : Math.max(1, Math.round(bytes.byteLength / 2000));
  return { text: said && said !== "" ? said : "(the offline transcriber heard a voice note but no words it knows)", durationSec };
}

/**
 * A small Ogg Opus-shaped file carrying `text` as its TRANSCRIPT tag: the "OggS" pages with
 * "OpusHead" and "OpusTags" packets that a type sniffer recognises. Not playable audio.
 */
export function sampleVoiceNote(text: string, durationSec: number): Uint8Array {
  const page = (packet: Uint8Array, headerType: number, sequence: number): Uint8Array => {
    const header = new Uint8Array(27 + 1);
    header.set([0x4f, 0x67, 0x67, 0x53], 0); // "OggS"
    header[4] = 0; // version
    header[5] = headerType;
    header.set([0x01, 0x02, 0x03, 0x04], 14); // stream serial
    header[18] = sequence;
    header[26] = 1; // one segment
    header[27] = packet.byteLength;
    const out = new Uint8Array(header.byteLength + packet.byteLength);
    out.set(header, 0);
    out.set(packet, header.byteLength);
    return out;
  };
  const ascii = (s: string) => new TextEncoder().encode(s);
  const head = new Uint8Array(19);
  head.set(ascii("OpusHead"), 0);
  head[8] = 1; // version
  head[9] = 1; // mono
  const comments = [`TRANSCRIPT=${text}`, `DURATION=${durationSec}`].map(ascii);
  const vendor = ascii("agent-relay-tests");
  const tags: number[] = [...ascii("OpusTags"), ...u32(vendor.byteLength), ...vendor, ...u32(comments.length)];
  for (const c of comments) tags.push(...u32(c.byteLength), ...c);
  const first = page(head, 0x02, 0);
  const second = page(Uint8Array.from(tags.slice(0, 255)), 0x00, 1);
  const out = new Uint8Array(first.byteLength + second.byteLength);
  out.set(first, 0);
  out.set(second, first.byteLength);
  return out;
}

function u32(n: number): number[] {
  return [n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, (n >> 24) & 0xff];
}
