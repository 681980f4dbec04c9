// Identifiers in the shapes Fly hands out: Machine ids (14 hex), instance ids (ULIDs), volume
// ids (`vol_` + 16), lease nonces (12 hex), and generated Machine names (`word-word-1234`).
import { randomBytes } from "node:crypto";

const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const VOLUME_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz";

export const newMachineId = (): string => randomBytes(7).toString("hex");
export const newNonce = (): string => randomBytes(6).toString("hex");

/** A ULID: 48 bits of milliseconds then 80 random bits, Crockford base32, so ids sort by time. */
export function newInstanceId(now: number): string {
  let time = "";
  for (let t = now, i = 0; i < 10; i++, t = Math.floor(t / 32)) time = CROCKFORD[t % 32] + time;
  const random = [...randomBytes(16)].map((byte) => CROCKFORD[byte % 32]).join("");
  return time + random;
}

export function newVolumeId(): string {
  return `vol_${[...randomBytes(16)].map((byte) => VOLUME_ALPHABET[byte % 36]).join("")}`;
}

const ADJECTIVES = ["aged", "bold", "calm", "damp", "eager", "fancy", "gentle", "hidden", "icy", "jolly", "lively", "misty"];
const NOUNS = ["thunder", "river", "meadow", "forest", "glade", "harbor", "island", "lake", "moon", "night", "ocean", "pine"];

/** Fly's generated Machine name when a create names none (e.g. `aged-thunder-7371`). */
export function generatedName(): string {
  const [a = 0, n = 0, d = 0, e = 0] = randomBytes(4);
  return `${ADJECTIVES[a % ADJECTIVES.length]}-${NOUNS[n % NOUNS.length]}-${((d << 8) | e) % 10000}`;
}
