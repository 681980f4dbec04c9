// What ties a phone to its Fly Machine without naming the phone: the Machine's own VM_TOKEN
// (HMAC-SHA256 of the relay's VM_TOKEN and "machine:" + phone, so one Machine's token opens no
// other) and the Machine's and volume's names (a keyed hash, so a listing reveals no number).

const encoder = new TextEncoder();

async function hmacHex(key: string, message: string): Promise<string> {
  const cryptoKey = await crypto.subtle.importKey("raw", encoder.encode(key), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const signature = new Uint8Array(await crypto.subtle.sign("HMAC", cryptoKey, encoder.encode(message)));
  return [...signature].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** The VM_TOKEN the phone's Machine is given (64 hex digits); the relay derives it again per request. */
export function machineVmToken(relayVmToken: string, phone: string): Promise<string> {
  if (relayVmToken === "") throw new Error("the relay's VM_TOKEN is empty");
  return hmacHex(relayVmToken, `machine:${phone}`);
}

/** A phone's Machine's and volume's names in FLY_APP. */
export type FlyNames = { machine: string; volume: string };

/** 16 hex digits: 64 bits, so two phones of one app never share a name. */
const NAME_HASH_DIGITS = 16;

/**
 * The phone's Machine and volume names. Fly Machine names are lowercase letters, digits and
 * dashes; volume names lowercase letters, digits and underscores, at most 30 characters. The key
 * is a relay secret: a plain hash of a phone number is undone by trying every number.
 */
export async function flyResourceNames(key: string, phone: string): Promise<FlyNames> {
  if (key === "") throw new Error("the naming key is empty");
  const hash = (await hmacHex(key, `name:${phone}`)).slice(0, NAME_HASH_DIGITS);
  return { machine: `agent-${hash}`, volume: `agent_${hash}` };
}
