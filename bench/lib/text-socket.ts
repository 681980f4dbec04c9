// A WebSocket client just big enough to hold many of a page's sockets from Node 20 (which has no
// WebSocket client of its own) with the headers the page's browser sends (Origin): the handshake,
// the server's text and close frames, a pong to its ping, and a masked close (RFC 6455).
import { randomBytes } from "node:crypto";
import { request } from "node:http";
import type { Duplex } from "node:stream";

export type TextSocket = { closed: () => number | null; close: () => void };

/** Opens `url` (ws://) with `headers`; `onText` gets each text message. Rejects when the server answers without upgrading. */
export function openTextSocket(url: string, headers: Record<string, string>, onText: (text: string) => void): Promise<TextSocket> {
  return new Promise((resolve, reject) => {
    const req = request(url.replace(/^ws/, "http"), {
      headers: { connection: "Upgrade", upgrade: "websocket", "sec-websocket-version": "13", "sec-websocket-key": randomBytes(16).toString("base64"), ...headers },
    });
    req.on("response", (res) => {
      res.resume();
      reject(new Error(`the socket was refused: ${res.statusCode}`));
    });
    req.on("error", reject);
    req.on("upgrade", (_res, socket: Duplex, head: Buffer) => {
      let buffer = Buffer.alloc(0);
      let closed: number | null = null;
      socket.on("error", () => (closed ??= 1006));
      socket.on("close", () => (closed ??= 1006));
      const take = (chunk: Buffer) => {
        buffer = Buffer.concat([buffer, chunk]);
        for (;;) {
          const frame = readFrame(buffer);
          if (!frame) break;
          buffer = buffer.subarray(frame.size);
          if (frame.opcode === 1) onText(frame.payload.toString("utf8"));
          else if (frame.opcode === 9) socket.write(maskedFrame(10, frame.payload));
          else if (frame.opcode === 8) {
            closed ??= frame.payload.length >= 2 ? frame.payload.readUInt16BE(0) : 1005;
            socket.end(maskedFrame(8, frame.payload.subarray(0, 2)));
          }
        }
      };
      // The first frames may have come with the upgrade's answer.
      socket.on("data", take);
      take(head);
      resolve({
        closed: () => closed,
        close: () => {
          if (closed !== null) return;
          closed = 1000;
          socket.end(maskedFrame(8, Buffer.from([0x03, 0xe8])));
        },
      });
    });
    req.end();
  });
}

/** One whole unmasked frame at the start of `buffer` (the server's), or null until it has arrived. */
function readFrame(buffer: Buffer): { opcode: number; payload: Buffer; size: number } | null {
  if (buffer.length < 2) return null;
  let length = buffer[1]! & 0x7f;
  let offset = 2;
  if (length === 126) {
    if (buffer.length < 4) return null;
    length = buffer.readUInt16BE(2);
    offset = 4;
  } else if (length === 127) {
    if (buffer.length < 10) return null;
    length = Number(buffer.readBigUInt64BE(2));
    offset = 10;
  }
  if (buffer.length < offset + length) return null;
  return { opcode: buffer[0]! & 0x0f, payload: buffer.subarray(offset, offset + length), size: offset + length };
}

/** A client's frame (clients must mask), for a payload under 126 bytes (a pong, a close). */
function maskedFrame(opcode: number, payload: Buffer): Buffer {
  const mask = randomBytes(4);
  const body = Buffer.from(payload.map((b, i) => b ^ mask[i % 4]!));
  return Buffer.concat([Buffer.from([0x80 | opcode, 0x80 | body.length]), mask, body]);
}
