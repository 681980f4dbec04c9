// WhatsApp's ChannelClient: an Outbound carried out with the Twilio client. Buttons go as our
// quick-reply content (twilio-content.ts), or as text where it is not there or Twilio refuses it;
// a template by its content SID; a file by our signed link; and delivery reported to the Worker's
// status route when the outbox asks.
import type { ChannelClient, ChannelFailure, Outbound, SendOutcome, SentLookup } from "../channel";
import type { Clock } from "../../shared/clock";
import type { Log } from "../../shared/log";
import type { TwilioClient } from "./twilio-client";
import type { QuickReplyContent } from "./twilio-content";
import type { SendFailure } from "./send-policy";
import { waitingTemplateVariables, WINDOW_CLOSED_ERROR } from "./window";
import { matchingSends } from "./sent-match";
import { withTypedAnswers } from "./typed-answers";

export type WhatsAppClientDeps = {
  twilio: TwilioClient;
  /** Quick-reply buttons through Twilio's Content API; null: buttons' text goes alone. */
  quickReply: QuickReplyContent | null;
  /** The approved "a result is waiting" template (HX…), or null: what is held waits silently. */
  templateSid: string | null;
  /** The Worker's public origin (PUBLIC_URL, else where the last webhook came); null: no delivery is reported. */
  origin: () => string | null;
  clock: Clock;
  log: Log;
};

type Sent = { ok: true; sid: string } | ({ ok: false } & SendFailure);

export { withTypedAnswers } from "./typed-answers";

/** Twilio's refusals as every channel reports them: no chat is ever gone (its dead-channel codes fail quietly). */
function outcomeOf(sent: Sent): SendOutcome {
  if (sent.ok) return { ok: true, ref: sent.sid };
  const failure: ChannelFailure = { errorCode: sent.errorCode, retryable: sent.retryable, chatGone: false, ...(sent.maybeTaken ? { maybeTaken: true } : {}) };
  return { ok: false, ...failure, ...(sent.retryAfterMs === undefined ? {} : { retryAfterMs: sent.retryAfterMs }) };
}

export function whatsappChannelClient(d: WhatsAppClientDeps): ChannelClient {
  // The report names the message by our id in the URL (Twilio posts to, and signs, the URL as given,
  // its query too): the status route then finds its row by primary key, with no index on the SID.
  const statusCallback = (receipts: number | undefined): string | undefined => {
    const origin = receipts === undefined ? null : d.origin();
    return origin ? `${origin}/twilio/status?o=${receipts}` : undefined;
  };

  async function text(m: Extract<Outbound, { kind: "text" }>): Promise<Sent> {
    const to = m.to.chat;
    const callback = statusCallback(m.receipts);
    if (m.template) return d.twilio.sendMessage({ to, contentSid: m.template.id, contentVariables: m.template.variables ?? undefined, statusCallback: callback });
    const content = m.buttons?.length && d.quickReply ? await d.quickReply.resolve(m.part, m.buttons, d.clock()) : null;
    if (!content) return d.twilio.sendMessage({ to, body: withTypedAnswers(m.part, m.buttons), statusCallback: callback });
    const sent = await d.twilio.sendMessage({ to, contentSid: content.contentSid, contentVariables: content.contentVariables, statusCallback: callback });
    // A closed window or a passing fault is the outbox's to decide; any other refusal is of our content.
    if (sent.ok || sent.retryable || sent.errorCode === WINDOW_CLOSED_ERROR) return sent;
    // Our quick-reply content refused (deleted by the operator, say): the prompt goes as text.
    d.quickReply!.forget(d.clock());
    d.log("quick_reply_refused", { errorCode: sent.errorCode });
    return d.twilio.sendMessage({ to, body: withTypedAnswers(m.part, m.buttons), statusCallback: callback });
  }

  return {
    resultWaiting: d.templateSid ? (what) => ({ id: d.templateSid!, variables: waitingTemplateVariables(what) }) : null,

    /** Twilio's Messages list to the chat since `since`, matched on what the user would see (sent-match.ts). */
    async findSent(m: Outbound, since: number): Promise<SentLookup> {
      const listed = await d.twilio.listSentTo(m.to.chat, since);
      return listed.ok ? { ok: true, refs: matchingSends(m, listed.messages) } : listed;
    },

    async send(m: Outbound): Promise<SendOutcome> {
      switch (m.kind) {
        case "text":
          return outcomeOf(await text(m));
        // WhatsApp edits nothing (limits.canEdit): an edit goes as a new message.
        case "edit":
          return outcomeOf(await text({ kind: "text", to: m.to, part: m.part, ...(m.buttons ? { buttons: m.buttons } : {}) }));
        case "file":
          // An empty caption sends the file alone.
          return outcomeOf(await d.twilio.sendMessage({ to: m.to.chat, body: m.caption === "" ? undefined : m.caption, mediaUrl: m.file.url, statusCallback: statusCallback(m.receipts) }));
        case "typing":
          if (m.replyTo === null || !(await d.twilio.sendTyping(m.replyTo))) return { ok: false, errorCode: "typing_failed", retryable: false, chatGone: false };
          return { ok: true, ref: null };
        // A tapped quick reply is a message like any other: there is nothing to acknowledge.
        case "ack":
          return { ok: true, ref: null };
      }
    },
  };
}
