// Fetches one incoming attachment (a webhook's MediaUrlN) from Twilio into R2: WhatsApp's
// MediaFetcher. Twilio's API wants the account's Basic auth and answers with a redirect to a
// short-lived CDN link: the redirect is followed by hand so the credentials go to the API's origin
// only, never to where it points.
import type { Config } from "../../config/config";
import { untilAborted, withDeadline } from "../../shared/deadline";
import { basicAuthorization } from "../../shared/encoding";
import { INBOUND_MAX_BYTES, inboundTooLarge } from "./media-limits";
import type { MediaFetcher, MediaRefusal, MediaSink } from "../media-fetcher";

type TwilioMediaAuth = { accountSid: string; authToken: string; apiBase: string };
export type InboundMediaDeps<Stored> = {
  sink: MediaSink<Stored>;
  fetch: typeof fetch;
  twilio: TwilioMediaAuth;
  /** The whole fetch, redirect and body included; default FETCH_TIMEOUT_MS. */
  timeoutMs?: number;
};

/** WhatsApp's attachments, fetched with the account's credentials; null without them (nothing can be fetched). */
export function whatsappMediaFetcher(twilio: Pick<Config["twilio"], "accountSid" | "authToken" | "apiBase">, fetchFn: typeof fetch = (input, init) => fetch(input, init)): MediaFetcher | null {
  const { accountSid, authToken, apiBase } = twilio;
  if (!accountSid || !authToken) return null;
  const auth: TwilioMediaAuth = { accountSid, authToken, apiBase };
  return (sink, media) => fetchInboundMedia({ sink, fetch: fetchFn, twilio: auth }, { url: media.ref, declaredType: media.declaredType, owner: media.owner });
}

/** One attachment of the form: its URL, its `MediaContentTypeN`, and the user it came from. */
type TwilioMedia = { url: string; declaredType: string | null; owner: string };

/** Long enough for WhatsApp's largest document (100 MB) on a slow path; a stalled fetch ends here. */
export const FETCH_TIMEOUT_MS = 120_000;
const MAX_REDIRECTS = 3;
const REDIRECTS: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);

/** Stored and described, or why not in a phrase for the user ("Twilio answered 404", "an unknown file type"). */
export function fetchInboundMedia<Stored>(deps: InboundMediaDeps<Stored>, media: TwilioMedia): Promise<Stored | MediaRefusal> {
  return withDeadline(deps.timeoutMs ?? FETCH_TIMEOUT_MS, async (signal) => {
    const opened = await openTwilioMedia(deps, media.url, signal);
    if (!opened.ok) return opened;
    const { response } = opened;
    const length = Number(response.headers.get("content-length"));
    return deps.sink.write({
      owner: media.owner,
      source: response.body!,
      declaredType: media.declaredType ?? response.headers.get("content-type"),
      declaredLength: Number.isSafeInteger(length) && length > 0 ? length : null,
      admit: (kind) => ({ maxBytes: INBOUND_MAX_BYTES[kind], tooLarge: inboundTooLarge(kind) }),
      signal,
      readError: (error) => (isTimeout(error) ? "Twilio took too long to send it" : "the download broke off"),
    });
  });
}

type Opened = { ok: true; response: Response } | { ok: false; reason: string };

async function openTwilioMedia(deps: Pick<InboundMediaDeps<unknown>, "fetch" | "twilio">, url: string, signal: AbortSignal): Promise<Opened> {
  const api = new URL(deps.twilio.apiBase);
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return { ok: false, reason: "not a Twilio media link" };
  }
  // The credentials are sent only where Twilio's API is configured to be.
  if (target.origin !== api.origin) return { ok: false, reason: "not a Twilio media link" };
  const authorization = basicAuthorization(deps.twilio.accountSid, deps.twilio.authToken);
  for (let hop = 0; ; hop++) {
    let response: Response;
    try {
      const headers: Record<string, string> = target.origin === api.origin ? { authorization } : {};
      response = await untilAborted(deps.fetch(target.href, { redirect: "manual", headers, signal }), signal);
    } catch (error) {
      return { ok: false, reason: isTimeout(error) ? "Twilio took too long to answer" : "Twilio could not be reached" };
    }
    if (REDIRECTS.has(response.status)) {
      await response.body?.cancel();
      const location = response.headers.get("location");
      const next = location && hop < MAX_REDIRECTS ? safeUrl(location, target) : null;
      // Never from https down to http (a local Twilio stand-in may be http throughout).
      if (!next || !(next.protocol === "https:" || next.protocol === api.protocol)) return { ok: false, reason: "Twilio's redirect led nowhere" };
      target = next;
      continue;
    }
    if (!response.ok || !response.body) {
      await response.body?.cancel();
      return { ok: false, reason: `Twilio answered ${response.status}` };
    }
    return { ok: true, response };
  }
}

function safeUrl(location: string, base: URL): URL | null {
  try {
    return new URL(location, base);
  } catch {
    return null;
  }
}

function isTimeout(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { name?: unknown }).name === "TimeoutError";
}
