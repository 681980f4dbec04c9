// Twilio REST calls the relay makes: send a WhatsApp message, list what was sent to a number, show
// the typing indicator. Typed results; 429 and 5xx are retryable (with Retry-After), other 4xx final
// (Twilio's code kept); no answer at all may still have been taken (maybeTaken).
import * as z from "zod/mini";
import { withDeadline } from "../../shared/deadline";
import { basicAuthorization } from "../../shared/encoding";
import { type Clock, systemClock } from "../../shared/clock";
import { parseRetryAfter, type SendFailure } from "./send-policy";

type TwilioConnection = {
  accountSid: string;
  authToken: string;
  from: string;
  apiBase: string;
  messagingApiBase: string;
};

type OutgoingMessage = {
  to: string;
  body?: string;
  contentSid?: string;
  contentVariables?: string;
  /** A file for Twilio to fetch and send (WhatsApp: one per message); the body is its caption. */
  mediaUrl?: string;
  statusCallback?: string;
};

type SendResult = { ok: true; sid: string } | ({ ok: false } & SendFailure);

/** Twilio answers a create in well under a second; past this the call is given up and retried. */
const TWILIO_TIMEOUT_MS = 15_000;

const SidSchema = z.string().check(z.regex(/^(SM|MM)[0-9a-f]{32}$/i));
const CreatedSchema = z.object({ sid: SidSchema });

/** A Message resource as the list gives it, the fields a lookup reads (Twilio's dates are RFC 2822). */
const ListedSchema = z.object({
  sid: SidSchema,
  body: z.nullable(z.string()),
  num_media: z.string(),
  status: z.string(),
  direction: z.string(),
  date_created: z.string(),
  date_sent: z.nullable(z.string()),
});
const ListPageSchema = z.object({ messages: z.array(ListedSchema), next_page_uri: z.nullable(z.string()), page: z.number(), page_size: z.number() });

/** A message Twilio holds, as a lookup compares it with a send (dates in epoch ms; `sentAt` null until sent). */
export type ListedMessage = { sid: string; body: string; numMedia: number; status: string; outbound: boolean; createdAt: number; sentAt: number | null };
export type ListResult = { ok: true; messages: ListedMessage[] } | { ok: false; errorCode: string };

/** One page holds this many; a lookup reads at most LIST_MAX_PAGES of them (a chat's messages since one attempt fit in one). */
const LIST_PAGE_SIZE = 50;
const LIST_MAX_PAGES = 4;

/** `DateSent>` takes a GMT day (Twilio: messages sent on or after its midnight); the day of `at`. */
export function gmtDay(at: number): string {
  return new Date(at).toISOString().slice(0, 10);
}

function listed(m: z.infer<typeof ListedSchema>): ListedMessage | null {
  const createdAt = Date.parse(m.date_created);
  const sentAt = m.date_sent === null ? null : Date.parse(m.date_sent);
  if (Number.isNaN(createdAt) || (sentAt !== null && Number.isNaN(sentAt))) return null;
  return { sid: m.sid, body: m.body ?? "", numMedia: Number(m.num_media) || 0, status: m.status, outbound: m.direction.startsWith("outbound"), createdAt, sentAt };
}
const ErrorSchema = z.object({ code: z.union([z.number(), z.string()]) });

/** `clock`: the object's, for reading a Retry-After given as a date. */
export function createTwilioClient(conn: TwilioConnection, fetchFn: typeof fetch = (input, init) => fetch(input, init), clock: Clock = systemClock) {
  const auth = basicAuthorization(conn.accountSid, conn.authToken);
  /**
   * One POST and the read of its answer, under one deadline: a hung call must not hold the pump
   * (it counts as a transient failure and is retried). Throws what fetch throws.
   */
  const post = <T>(url: string, form: Record<string, string | undefined>, read: (res: Response) => Promise<T>): Promise<T> => {
    const body = new URLSearchParams();
    for (const [key, value] of Object.entries(form)) if (value !== undefined) body.set(key, value);
    return withDeadline(TWILIO_TIMEOUT_MS, async (signal) =>
      read(await fetchFn(url, { method: "POST", headers: { authorization: auth, "content-type": "application/x-www-form-urlencoded" }, body, signal })),
    );
  };

  /** One GET and the read of its page, under one deadline; a page Twilio's schema does not describe is bad_body. */
  const getPage = async (url: string): Promise<{ ok: true; page: z.infer<typeof ListPageSchema> } | { ok: false; errorCode: string }> => {
    try {
      return await withDeadline(TWILIO_TIMEOUT_MS, async (signal) => {
        const res = await fetchFn(url, { method: "GET", headers: { authorization: auth }, signal });
        const json = (await res.json().catch(() => null)) as unknown;
        if (res.status !== 200) {
          const error = ErrorSchema.safeParse(json);
          return { ok: false as const, errorCode: error.success ? String(error.data.code) : `http_${res.status}` };
        }
        const page = ListPageSchema.safeParse(json);
        return page.success ? { ok: true as const, page: page.data } : { ok: false as const, errorCode: "bad_body" };
      });
    } catch (error) {
      return { ok: false, errorCode: error instanceof Error && error.name === "TimeoutError" ? "timeout" : "network" };
    }
  };

  /**
   * Pages of the Messages list from `query`, newest first, until one reaches back past `since` (or
   * LIST_MAX_PAGES, or `firstOnly`); every message read, or why the list could not be read.
   */
  const readList = async (query: URLSearchParams, since: number, firstOnly: boolean): Promise<ListResult> => {
    const messages: ListedMessage[] = [];
    let url: string | null = `${conn.apiBase}/2010-04-01/Accounts/${encodeURIComponent(conn.accountSid)}/Messages.json?${query}`;
    for (let pages = 0; url !== null && pages < LIST_MAX_PAGES; pages++) {
      const read = await getPage(url);
      if (!read.ok) return read;
      const page = read.page.messages.map(listed);
      if (page.some((m) => m === null)) return { ok: false, errorCode: "bad_body" };
      messages.push(...(page as ListedMessage[]));
      const oldest = page.at(-1);
      if (firstOnly || !oldest || oldest.createdAt < since) break;
      // Twilio's next_page_uri is a path on the same host (it carries the filters and a PageToken).
      url = read.page.next_page_uri === null ? null : `${conn.apiBase}${read.page.next_page_uri}`;
    }
    return { ok: true, messages };
  };

  return {
    /**
     * What Twilio holds that the relay sent to `to` since `since`: the ones sent since that day
     * (filtered by To, From and DateSent>), and the newest page of To and From, for the ones not
     * yet sent, which that filter leaves out (`date_sent` is null until Twilio sends a message).
     * Created before `since`: left out.
     */
    async listSentTo(to: string, since: number): Promise<ListResult> {
      const base = { To: `whatsapp:${to}`, From: conn.from, PageSize: String(LIST_PAGE_SIZE) };
      const sent = await readList(new URLSearchParams({ ...base, "DateSent>": gmtDay(since) }), since, false);
      if (!sent.ok) return sent;
      const newest = await readList(new URLSearchParams(base), since, true);
      if (!newest.ok) return newest;
      // The newest page is taken whole: a message queued during the first read and sent before
      // this one is in neither read's filter otherwise.
      const bySid = new Map<string, ListedMessage>();
      for (const m of [...sent.messages, ...newest.messages]) if (m.createdAt >= since) bySid.set(m.sid, m);
      return { ok: true, messages: [...bySid.values()] };
    },

    async sendMessage(message: OutgoingMessage): Promise<SendResult> {
      const url = `${conn.apiBase}/2010-04-01/Accounts/${encodeURIComponent(conn.accountSid)}/Messages.json`;
      let res: Response;
      let json: unknown;
      try {
        ({ res, json } = await post(
          url,
          {
            To: `whatsapp:${message.to}`,
            From: conn.from,
            Body: message.body,
            ContentSid: message.contentSid,
            ContentVariables: message.contentVariables,
            MediaUrl: message.mediaUrl,
            StatusCallback: message.statusCallback,
          },
          // A body cut off by the deadline reads as none: judged by the status below.
          async (answered) => ({ res: answered, json: (await answered.json().catch(() => null)) as unknown }),
        ));
      } catch (error) {
        const timedOut = error instanceof Error && error.name === "TimeoutError";
        // No answer: Twilio may have created the message all the same.
        return { ok: false, retryable: true, errorCode: timedOut ? "timeout" : "network", maybeTaken: true };
      }
      if (res.status === 201 || res.status === 200) {
        const created = CreatedSchema.safeParse(json);
        return created.success ? { ok: true, sid: created.data.sid } : { ok: false, retryable: false, errorCode: "bad_body" };
      }
      const error = ErrorSchema.safeParse(json);
      const errorCode = error.success ? String(error.data.code) : `http_${res.status}`;
      const retryable = res.status === 429 || res.status >= 500;
      const retryAfterMs = retryable ? parseRetryAfter(res.headers.get("retry-after"), clock()) : undefined;
      return { ok: false, retryable, errorCode, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
    },
    /** Shows "typing…" for the user's message `inboundSid` (it also marks it read). */
    async sendTyping(inboundSid: string): Promise<boolean> {
      try {
        return await post(`${conn.messagingApiBase}/v2/Indicators/Typing.json`, { messageId: inboundSid, channel: "whatsapp" }, async (res) => {
          await res.body?.cancel();
          return res.ok;
        });
      } catch {
        return false;
      }
    },
  };
}
export type TwilioClient = ReturnType<typeof createTwilioClient>;

