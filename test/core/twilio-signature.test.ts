import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { getExpectedTwilioSignature, validateRequest } from "twilio/lib/webhooks/webhooks";
import {
  type FormParams,
  candidateUrls,
  computeTwilioSignature,
  timingSafeEqual,
  validateTwilioSignature,
} from "../../src/channels/whatsapp/twilio-signature";

const token = "12345678901234567890123456789012";

/** Twilio's library takes an object; a repeated key becomes an array, as Express would parse it. */
function toTwilioParams(params: FormParams): Record<string, string | string[]> {
  const grouped: Record<string, string[]> = Object.create(null);
  for (const [key, value] of params) (grouped[key] ??= []).push(value);
  const out: Record<string, string | string[]> = Object.create(null);
  for (const [key, values] of Object.entries(grouped)) out[key] = values.length === 1 ? values[0]! : values;
  return out;
}

/** Twilio's `validateRequest`, with its throw on an unparsable URL read as a refusal. */
function twilioAccepts(signature: string, url: string, params: FormParams): boolean {
  try {
    return validateRequest(token, signature, url, toTwilioParams(params));
  } catch {
    return false;
  }
}

const inbound: FormParams = [
  ["SmsMessageSid", "SM0123"],
  ["Body", "hello **world**"],
  ["From", "whatsapp:+14155550100"],
  ["To", "whatsapp:+14155238886"],
  ["NumMedia", "0"],
  ["AccountSid", "AC0123"],
];

describe("computeTwilioSignature matches Twilio's getExpectedTwilioSignature", () => {
  it.each<[string, string, FormParams]>([
    ["an inbound WhatsApp message", "https://relay.example.com/twilio/inbound", inbound],
    ["no params", "https://relay.example.com/twilio/status", []],
    ["empty values", "https://x.example/", [["Body", ""], ["MediaUrl0", ""]]],
    ["repeated keys in any order", "https://x.example/", [["b", "2"], ["a", "z"], ["b", "1"], ["a", "y"]]],
    ["identical repeated pairs", "https://x.example/", [["a", "1"], ["a", "1"], ["a", "0"]]],
    ["case-sensitive key order", "https://x.example/", [["b", "1"], ["B", "2"], ["_", "3"], ["a", "4"]]],
    ["unicode, emoji and newlines", "https://x.example/ü?q=é", [["Body", "héllo 👋🏽\nzweite Zeile"], ["ProfileName", "Zoë 🚀"]]],
    ["an explicit port", "https://x.example:8443/in?x=1", inbound],
    ["a default port", "https://x.example:443/in", inbound],
    ["credentials in the URL", "https://user:pass@x.example/in", inbound],
    ["an empty key", "https://x.example/", [["", "v"], ["k", ""]]],
  ])("%s", async (_name, url, params) => {
    const ours = await computeTwilioSignature(token, url, params);
    expect(ours).toBe(getExpectedTwilioSignature(token, url, toTwilioParams(params)));
    expect(ours).toMatch(/^[A-Za-z0-9+/]{27}=$/);
  });

  it("reproduces the published test vector of Twilio's security docs", async () => {
    const url = "https://mycompany.com/myapp.php?foo=1&bar=2";
    const params: FormParams = [["Digits", "1234"], ["To", "+18005551212"], ["From", "+14158675309"], ["Caller", "+14158675309"], ["CallSid", "CA1234567890ABCDE"]];
    expect(await computeTwilioSignature("12345", url, params)).toBe("RSOYDt4T1cUTdK1PDd93/VVr8B8=");
  });

  it("refuses an empty auth token rather than signing with no key", async () => {
    await expect(computeTwilioSignature("", "https://x.example/", [])).rejects.toThrow();
  });

  it("agrees for arbitrary params", async () => {
    const pair = fc.tuple(fc.string({ maxLength: 6 }), fc.string({ unit: "grapheme", maxLength: 12 }));
    await fc.assert(
      fc.asyncProperty(fc.webUrl({ withQueryParameters: true }), fc.array(pair, { maxLength: 8 }), async (url, params) => {
        expect(await computeTwilioSignature(token, url, params)).toBe(getExpectedTwilioSignature(token, url, toTwilioParams(params)));
      }),
      { numRuns: 200 },
    );
  });
});

describe("validateTwilioSignature", () => {
  const url = "https://relay.example.com/twilio/inbound";

  it("accepts the right signature and refuses a wrong, missing or empty one", async () => {
    const good = getExpectedTwilioSignature(token, url, toTwilioParams(inbound));
    const check = (signature: string | null | undefined, params = inbound, authToken = token) =>
      validateTwilioSignature({ authToken, signature, url, params });
    expect(await check(good)).toBe(true);
    expect(await check(good.slice(0, -2) + "A=")).toBe(false);
    expect(await check(good + "=")).toBe(false);
    expect(await check(null)).toBe(false);
    expect(await check(undefined)).toBe(false);
    expect(await check("")).toBe(false);
    expect(await check(good, [...inbound, ["Extra", "1"]])).toBe(false);
    expect(await check(good, inbound.map(([k, v]) => [k, k === "Body" ? v + "!" : v] as const))).toBe(false);
    expect(await check(good, inbound, token.replace("1", "2"))).toBe(false);
    expect(await check(good, inbound, "")).toBe(false);
  });

  it("keeps each token's key apart: checks with two tokens, interleaved and concurrent, each judged by its own", async () => {
    const other = "abcdefabcdefabcdefabcdefabcdefab";
    const signedBy = (t: string) => getExpectedTwilioSignature(t, url, toTwilioParams(inbound));
    const checks = [token, other, token, other, token].map((authToken, i) => {
      const signer = i % 2 === 0 ? token : other;
      return validateTwilioSignature({ authToken, signature: signedBy(i === 4 ? other : signer), url, params: inbound });
    });
    expect(await Promise.all(checks)).toEqual([true, true, true, true, false]);
  });

  // Twilio signs the URL it was configured with; the server sees the one it was called with.
  it.each<[string, string, string, boolean]>([
    ["same URL", url, url, true],
    ["signed with :443, received without", "https://relay.example.com:443/twilio/inbound", url, true],
    ["signed without, received with :443", url, "https://relay.example.com:443/twilio/inbound", true],
    ["http with :80", "http://relay.example.com:80/in?x=1", "http://relay.example.com/in?x=1", true],
    ["http signed without, received with :80", "http://relay.example.com/in", "http://relay.example.com:80/in", true],
    ["https with :80 is not a default", "https://relay.example.com:80/in", "https://relay.example.com/in", false],
    ["http with :443 is not a default", "http://relay.example.com:443/in", "http://relay.example.com/in", false],
    ["other port signed, none received", "https://relay.example.com:8443/in", "https://relay.example.com/in", false],
    ["other port received, none signed", "https://relay.example.com/in", "https://relay.example.com:8443/in", true],
    ["other port on both sides", "https://relay.example.com:8443/in", "https://relay.example.com:8443/in", true],
    ["different path", "https://relay.example.com/other", url, false],
    ["different host", "https://evil.example.com/twilio/inbound", url, false],
    ["different scheme", "http://relay.example.com/twilio/inbound", url, false],
    ["query kept", `${url}?a=1&b=2`, `${url}?a=1&b=2`, true],
    ["query reordered", `${url}?b=2&a=1`, `${url}?a=1&b=2`, false],
    ["query missing", `${url}?a=1`, url, false],
    ["credentials with port added", "https://u:p@relay.example.com:443/in", "https://u:p@relay.example.com/in", true],
    ["credentials with port removed", "https://u:p@relay.example.com/in", "https://u:p@relay.example.com:443/in", true],
    ["credentials dropped", "https://relay.example.com/in", "https://u:p@relay.example.com/in", false],
    ["IPv6 literal with port", "https://[::1]:443/in", "https://[::1]/in", true],
    ["upper-case scheme", "HTTPS://relay.example.com:443/in", "HTTPS://relay.example.com/in", true],
    ["signed the normalised form", "https://relay.example.com/a%20b?x=%C3%A9", "https://relay.example.com/a b?x=é", true],
    ["signed the legacy query form", "https://relay.example.com/in?q=a%20b", "https://relay.example.com/in?q=a+b", true],
    ["signed the legacy form of a quote", "https://relay.example.com/in?q=%27", "https://relay.example.com/in?q='", true],
    ["legacy form keeps the first 1000 pieces", `https://r.example/in?${"a=1&".repeat(999)}a=1`, `https://r.example/in?${"a=1&".repeat(1000)}b=2`, true],
    ["not a URL at all", "relay.example.com/in", "relay.example.com/in", true],
    ["not a URL, signed otherwise", "https://relay.example.com/in", "relay.example.com/in", false],
  ])("%s", async (_name, signedUrl, receivedUrl, expected) => {
    const signature = getExpectedTwilioSignature(token, signedUrl, toTwilioParams(inbound));
    const ours = await validateTwilioSignature({ authToken: token, signature, url: receivedUrl, params: inbound });
    expect(ours).toBe(expected);
    expect(twilioAccepts(signature, receivedUrl, inbound)).toBe(expected);
  });

  it("accepts exactly the URLs Twilio's validateRequest accepts", async () => {
    const queryChar = fc.constantFrom("a", "b", "1", "=", "&", "+", "%", "2", "0", "F", "z", "'", " ", "é", "#", "?", "/", "~");
    const query = fc.array(queryChar, { maxLength: 14 }).map((chars) => chars.join(""));
    const host = fc.constantFrom("relay.example.com", "u:p@relay.example.com", "[::1]", "Relay.Example.com");
    const port = fc.constantFrom("", ":443", ":80", ":8443");
    const scheme = fc.constantFrom("https://", "http://", "HTTPS://");
    const url = fc.tuple(scheme, host, port, fc.constantFrom("/in", "/a b", "/x/ü"), query).map(([s, h, p, path, q]) => `${s}${h}${p}${path}${q ? `?${q}` : ""}`);
    // What Twilio signed: a variant of the received URL, or an unrelated URL from the same space.
    const variant = (received: string) =>
      fc.oneof(
        fc.constant(received),
        fc.constant(received.replace(/(\/\/[^/]*?)(:\d+)?(\/)/, "$1:443$3")),
        fc.constant(received.replace(/(\/\/[^/]*?)(:\d+)?(\/)/, "$1:80$3")),
        fc.constant(received.replace(/(\/\/[^/]*?):\d+(\/)/, "$1$2")),
        fc.constant(safeNormalize(received)),
        fc.constant(legacyFormByNode(received)),
        url,
      );
    await fc.assert(
      fc.asyncProperty(url.chain((received) => fc.tuple(fc.constant(received), variant(received))), async ([received, signed]) => {
        const signature = getExpectedTwilioSignature(token, signed, toTwilioParams(inbound));
        const ours = await validateTwilioSignature({ authToken: token, signature, url: received, params: inbound });
        expect(ours).toBe(twilioAccepts(signature, received, inbound));
      }),
      { numRuns: 300 },
    );
  });

  it("re-encodes queries the way Node's legacy querystring does", async () => {
    const char = fc.constantFrom("a", "=", "&", "+", "%", "4", "1", "e", "D", "A", "0", "8", "C", "3", "2", "'", "!", "*", "é", "😀", "\uD800", " ", "#", "~");
    await fc.assert(
      fc.asyncProperty(fc.array(char, { maxLength: 24 }).map((c) => c.join("")), async (query) => {
        const received = `https://relay.example.com/in?${query}`;
        const signed = legacyFormByNode(received);
        const signature = getExpectedTwilioSignature(token, signed, toTwilioParams(inbound));
        expect(await validateTwilioSignature({ authToken: token, signature, url: received, params: inbound })).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it("tries each distinct URL form of Twilio's list", () => {
    expect(candidateUrls("https://u@x.example/a b?q=1+2")).toEqual([
      "https://u@x.example/a b?q=1+2",
      "https://u@x.example:443/a b?q=1+2",
      "https://u@x.example/a%20b?q=1+2",
      "https://u@x.example:443/a%20b?q=1+2",
      "https://u@x.example/a%20b?q=1%202",
      "https://u@x.example:443/a%20b?q=1%202",
    ]);
  });
});

describe("timingSafeEqual", () => {
  it.each([
    ["", "", true],
    ["abc", "abc", true],
    ["abc", "abd", false],
    ["abc", "ab", false],
    ["ab", "abc", false],
    ["", "a", false],
    ["a\u0000", "a", false],
    ["é", "e", false],
  ])("%j vs %j", (a, b, expected) => {
    expect(timingSafeEqual(a, b)).toBe(expected);
  });
});

// Node's own `querystring` is the reference for the legacy form; the core module cannot import it.
const nodeQuerystring = (await import("node:" + "querystring")) as {
  parse(text: string): Record<string, string | string[]>;
  stringify(value: Record<string, string | string[]>): string;
};

function safeNormalize(url: string): string {
  try {
    return new URL(url).toString();
  } catch {
    return url;
  }
}

/** The legacy form Twilio's library derives, built here with Node's querystring itself. */
function legacyFormByNode(url: string): string {
  const normalized = safeNormalize(url);
  const queryStart = normalized.indexOf("?");
  if (queryStart === -1 || queryStart === normalized.length - 1) return normalized;
  return normalized.slice(0, queryStart + 1) + nodeQuerystring.stringify(nodeQuerystring.parse(normalized.slice(queryStart + 1)));
}
