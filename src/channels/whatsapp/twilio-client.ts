// Twilio REST calls the relay makes: send a WhatsApp message, show the typing indicator.
// Typed results; 429 and 5xx are retryable (with Retry-After), other 4xx final (Twilio's code kept).
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

const CreatedSchema = z.object({ sid: z.string().check(z.regex(/^(SM|MM)[0-9a-f]{32}$/i)) });
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

  return {
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
        return { ok: false, retryable: true, errorCode: timedOut ? "timeout" : "network" };
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

