// X-Twilio-Signature for form-encoded webhooks: compute, and validate like Twilio's own library.
import { timingSafeEqual } from "../../shared/timing-safe";

export { timingSafeEqual };

export type FormParams = ReadonlyArray<readonly [string, string]>;

const encoder = new TextEncoder();

/**
 * base64(HMAC-SHA1(authToken, url + key1 + value1 + key2 + value2 ...)), the pairs sorted
 * by key then value (UTF-16 order, as JavaScript's sort). Identical repeated pairs count
 * once, as in Twilio's library. Throws on an empty token: Web Crypto refuses empty keys.
 */
export async function computeTwilioSignature(authToken: string, url: string, params: FormParams): Promise<string> {
  return sign(await hmacKey(authToken), url + signedPairs(params));
}

/** The part of the signed string after the URL: each key and value, sorted, identical pairs once. */
function signedPairs(params: FormParams): string {
  const sorted = [...params].sort(([ka, va], [kb, vb]) => compare(ka, kb) || compare(va, vb));
  let data = "";
  for (let i = 0; i < sorted.length; i++) {
    const [key, value] = sorted[i]!;
    // Sorted, so an identical pair sits right after its twin.
    if (i > 0 && sorted[i - 1]![0] === key && sorted[i - 1]![1] === value) continue;
    data += key + value;
  }
  return data;
}

/**
 * The HMAC key, imported once per isolate for the token it serves (one token per deployment):
 * importing it costs about as much as the signature itself. The promise is kept, so concurrent
 * first requests share one import.
 */
let cachedKey: { token: string; key: Promise<CryptoKey> } | null = null;
function hmacKey(authToken: string): Promise<CryptoKey> {
  if (cachedKey?.token !== authToken) {
    cachedKey = { token: authToken, key: crypto.subtle.importKey("raw", encoder.encode(authToken), { name: "HMAC", hash: "SHA-1" }, false, ["sign"]) };
  }
  return cachedKey.key;
}

async function sign(key: CryptoKey, data: string): Promise<string> {
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, encoder.encode(data)));
  return btoa(String.fromCharCode(...mac));
}

type SignatureCheck = {
  authToken: string;
  signature: string | null | undefined;
  url: string;
  params: FormParams;
};

/**
 * True when the signature matches one of the URL forms Twilio's `validateRequest` tries:
 * the URL as received with its default port removed and added, then the URL as `new URL()`
 * normalises it, the same two ways, each also with its query re-encoded the legacy way.
 * The URL exactly as received is always one of those forms (it has a port or it has none), and
 * the one Twilio signs in the usual case, so it is tried first: one HMAC for a valid webhook.
 */
export async function validateTwilioSignature(input: SignatureCheck): Promise<boolean> {
  const { authToken, signature, url, params } = input;
  if (!signature || !authToken) return false;
  const key = await hmacKey(authToken);
  const pairs = signedPairs(params);
  if (timingSafeEqual(signature, await sign(key, url + pairs))) return true;
  for (const candidate of new Set(candidateUrls(url))) {
    if (candidate === url) continue;
    if (timingSafeEqual(signature, await sign(key, candidate + pairs))) return true;
  }
  return false;
}

/** The URL forms Twilio's library accepts, in its order (possibly with repeats). */
export function candidateUrls(url: string): string[] {
  const asReceived = [removePort(url), addPort(url)];
  let normalized: string;
  try {
    normalized = new URL(url).toString();
  } catch {
    return asReceived; // Twilio's library throws here; refusing is the fail-closed answer.
  }
  const without = removePort(normalized);
  const withPort = addPort(normalized);
  return [...asReceived, without, withPort, withLegacyQuery(without), withLegacyQuery(withPort)];
}

/** Splits `scheme://userinfo@host:port/rest` without normalising anything, so the signed characters stay. */
function splitUrl(url: string) {
  const match = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*)/i.exec(url);
  if (!match) return null;
  const [prefix, scheme = "", authority = ""] = match;
  const userInfoEnd = authority.lastIndexOf("@");
  const hostAndPort = authority.slice(userInfoEnd + 1);
  // In an IPv6 literal the port's colon comes after the closing bracket.
  const portStart = hostAndPort.indexOf(":", hostAndPort.lastIndexOf("]") + 1);
  return {
    scheme,
    userInfo: authority.slice(0, userInfoEnd + 1),
    host: portStart === -1 ? hostAndPort : hostAndPort.slice(0, portStart),
    port: portStart === -1 ? "" : hostAndPort.slice(portStart),
    rest: url.slice(prefix.length),
  };
}

function addPort(url: string): string {
  const parts = splitUrl(url);
  if (!parts || parts.port) return url;
  const port = parts.scheme.toLowerCase() === "https://" ? ":443" : ":80";
  return parts.scheme + parts.userInfo + parts.host + port + parts.rest;
}

function removePort(url: string): string {
  const parts = splitUrl(url);
  return parts ? parts.scheme + parts.userInfo + parts.host + parts.rest : url;
}

/**
 * Re-encodes everything after the first "?" as Node's legacy `querystring` would
 * (`stringify(parse(query))`), for back ends that signed that form. Runs on `new URL()`
 * output, so the query is ASCII. Key order is a plain object's, as in Node.
 */
function withLegacyQuery(url: string): string {
  const queryStart = url.indexOf("?");
  if (queryStart === -1 || queryStart === url.length - 1) return url;
  const byKey: Record<string, string[]> = Object.create(null);
  // Node stops after 1000 pieces and skips empty ones.
  for (const piece of url.slice(queryStart + 1).split("&").slice(0, 1000)) {
    if (piece === "") continue;
    const eq = piece.indexOf("=");
    const key = legacyDecode(eq === -1 ? piece : piece.slice(0, eq));
    const value = eq === -1 ? "" : legacyDecode(piece.slice(eq + 1));
    (byKey[key] ??= []).push(value);
  }
  const pairs = Object.keys(byKey).flatMap((key) => byKey[key]!.map((v) => `${encodeURIComponent(key)}=${encodeURIComponent(v)}`));
  return url.slice(0, queryStart + 1) + pairs.join("&");
}

/** "+" is a space; valid %XX are bytes; on bad UTF-8 or a stray "%", decode byte-wise with U+FFFD. */
function legacyDecode(text: string): string {
  const spaced = text.replaceAll("+", " ");
  try {
    return decodeURIComponent(spaced);
  } catch {
    const bytes: number[] = [];
    for (let i = 0; i < spaced.length; i++) {
      const hex = spaced.slice(i + 1, i + 3);
      if (spaced[i] === "%" && /^[0-9a-f]{2}$/i.test(hex)) {
        bytes.push(parseInt(hex, 16));
        i += 2;
      } else {
        bytes.push(spaced.charCodeAt(i)); // ASCII here: the URL parser encoded the rest
      }
    }
    return new TextDecoder().decode(new Uint8Array(bytes));
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
