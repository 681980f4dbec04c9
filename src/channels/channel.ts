// The channel layer's interface: what a chat app brings in, what the relay sends out, and what each
// app allows. Types and the pure parts only; each channel is one folder beside this file.

/** The chat apps the relay speaks; a new one is a new folder and one more name here. */
export type ChannelName = "whatsapp" | "telegram";

/**
 * One chat on one channel: WhatsApp's is the user's E.164 number, Telegram's the private chat's
 * numeric id (the same as the user's id in a private chat), as decimal text.
 */
export type ChatAddress = { channel: ChannelName; chat: string };

/** The kinds of attachment a channel brings; a voice note is audio the user recorded in the app. */
export type InboundMediaKind = "image" | "audio" | "voice" | "video" | "document";

/**
 * An attachment as the channel announces it, before it is fetched: `ref` is what the channel's
 * client fetches it by (Twilio: the media URL; Telegram: the `file_id` for `getFile`). Sizes and
 * types the channel does not state are null; the fetched bytes decide in the end (media-kind.ts).
 */
export type InboundMedia = {
  kind: InboundMediaKind;
  ref: string;
  contentType: string | null;
  size: number | null;
  name: string | null;
  /** Seconds, for voice notes and audio when the channel says. */
  durationSec: number | null;
};

/** What every inbound carries: where it came from, who sent it, and the key it is stored once by. */
type InboundBase = {
  channel: ChannelName;
  /** The chat to answer in (see ChatAddress). */
  chat: string;
  /** The sender on that channel (WhatsApp: the number; Telegram: `from.id`), for the allow-list. */
  from: string;
  /** The channel's own id of this event (Twilio's MessageSid, Telegram's `update_id`): a repeat is a duplicate. */
  dedupeKey: string;
  /** The name the app shows for the sender, when it gives one. */
  profileName: string | null;
};

/** A message: its text (the caption, with media), and its attachments. */
/** `repliedTo`: the channel's id of the message it quotes (WhatsApp's OriginalRepliedMessageSid, Telegram's reply_to_message), when it quotes one. */
export type InboundMessage = InboundBase & { kind: "message"; messageId: string; text: string; media: InboundMedia[]; repliedTo?: string | null };

/**
 * A tapped button: `payload` is the id the relay gave it (`approval:12:yes`, `undo:no`, see
 * approvals.ts and run-change.ts), the same on every channel. `ackRef` is what the channel needs
 * to acknowledge the tap (Telegram: the callback query's id; WhatsApp: null, a tap is a message),
 * and `messageRef` the message the buttons were under, when the channel says.
 */
export type InboundButton = InboundBase & { kind: "button"; payload: string; title: string | null; ackRef: string | null; messageRef: string | null };

export type Inbound = InboundMessage | InboundButton;

/** What became of a tapped button, as the object decided: taken, too late, or not a button of ours. */
export type TapOutcome = "taken" | "expired" | "unknown";

/**
 * What a tapped button's short answer says (Telegram answers every tap), declared by the capability
 * whose button it is, so a channel names no capability's buttons: `taken` once the tap was taken,
 * `expired` when it came too late (unset: "This question has expired.").
 */
export type TapToast = { taken: string; expired?: string };

/** One capability's toasts: those of its button `payload`, or null when the payload is not one of its buttons. */
export type TapToastOf = (payload: string) => TapToast | null;

/**
 * Why an inbound is not taken: said to the webhook's caller (never a 5xx), and nothing is stored.
 * `group`: a chat that is not a private one; `unsupported`: a kind of update the relay does not
 * take (an edit, a sticker, a poll); `malformed`: not what the channel documents.
 */
export type InboundRefusal = { refused: "group" | "unsupported" | "malformed"; reason: string };

export type InboundParse = { ok: true; inbound: Inbound } | ({ ok: false } & InboundRefusal);

/**
 * What the shell did with an inbound, for its logs and tests: stored, a repeat of one stored
 * before (answered 200, nothing more), or refused.
 */
export type InboundOutcome = { kind: "stored"; inbound: Inbound } | { kind: "duplicate"; dedupeKey: string } | { kind: "refused"; refusal: InboundRefusal };

/** A button under a message: its title, and the payload a tap brings back (InboundButton). */
/** `typed`: what the user may type instead (named in the text where a channel cannot show the button). */
export type Button = { title: string; id: string; typed?: string };

/**
 * A file the relay sends: fetched by the channel from `url` (a signed link of ours). `keepSharp`:
 * a picture whose detail matters (a /diff of code) goes as a file, never recompressed as a photo.
 */
export type OutboundFile = { url: string; name: string; contentType: string; size: number; keepSharp?: boolean };

/**
 * What goes out to one chat. Text is already the channel's markup, one message's worth: the outbox
 * renders the agent's Markdown when it queues a reply (ChannelFormat.render), one row per part, so
 * a retry repeats one part and sending decides nothing. `edit` replaces a message sent before
 * (progress) where the channel can. `typing` is best effort. `ack` answers a tapped button.
 * `receipts`: the channel is asked to report the message's delivery later (WhatsApp's status
 * callbacks, which the outbox applies), naming it by this id of ours (its outbox row's), so the
 * report finds it by that id; unset, nothing is reported.
 */
export type Outbound =
  | { kind: "text"; to: ChatAddress; part: string; buttons?: readonly Button[]; template?: OutboundTemplate; receipts?: number }
  | { kind: "file"; to: ChatAddress; file: OutboundFile; caption: string; receipts?: number }
  /** `replyTo`: the user's message the indicator answers, where the channel needs one (WhatsApp shows it there, and marks it read). */
  | { kind: "typing"; to: ChatAddress; replyTo: string | null }
  | { kind: "edit"; to: ChatAddress; messageRef: string; part: string; buttons?: readonly Button[] }
  | { kind: "ack"; to: ChatAddress; ackRef: string; text: string | null };

/**
 * A message approved ahead by the channel's operator, the one kind a channel with a reply window
 * takes outside it: `id` is the channel's (WhatsApp's content SID), `variables` its filling (JSON).
 * An Outbound's `template` goes instead of its `part`, which says the same for the transcript.
 */
export type OutboundTemplate = { id: string; variables: string | null };

/** What each channel allows: the outbox and the formatter obey these, nothing else names a number. */
export type ChannelLimits = {
  /** One message's text, as the channel counts it (UTF-16 code units). */
  maxTextChars: number;
  /** A file's caption, likewise. */
  maxCaptionChars: number;
  /** Buttons under one message, and one button's title and payload. */
  maxButtons: number;
  maxButtonTitleChars: number;
  /** In UTF-8 bytes (Telegram's `callback_data` is 1-64 bytes). */
  maxButtonPayloadBytes: number;
  /**
   * Whether a tap is acknowledged on the button itself (InboundButton.ackRef) and leaves nothing
   * written in the chat; else a tap arrives as a message the user sees, its title as its text. A
   * tap nothing answers any more is then answered on the button alone, never read as text.
   */
  acksTaps: boolean;
  /** The largest attachment the relay can fetch from the channel. */
  inboundMaxBytes: number;
  /** The largest file the relay can send through it. */
  outboundMaxBytes: number;
  /** Whether a sent message can be edited in place (else an edit is a new message). */
  canEdit: boolean;
  /** A window after the user's last message outside which only templates go (WhatsApp's 24 h), or null. */
  replyWindowMs: number | null;
  /** The pace the channel asks of one chat: at least this long between two messages. */
  minGapMs: number;
};

/** Turns the agent's Markdown into the channel's markup, in parts that each fit one message. */
export type ChannelFormat = {
  /** The channel's markup of the whole text (may exceed a message). */
  format(markdown: string): string;
  /** The formatted text in parts of at most `limit` (default `limits.maxTextChars`), none breaking a code block. */
  render(markdown: string, limit?: number): string[];
};

/**
 * A refused or failed send, as every channel's client reports it: `retryAfterMs` when the channel
 * said how long to wait; `chatGone` when nothing more can reach this chat (blocked, unsubscribed);
 * `maybeTaken` when no answer came (the connection dropped, the deadline passed), so the channel
 * may hold the message all the same: the outbox looks before it sends it again.
 */
export type ChannelFailure = { errorCode: string; retryable: boolean; retryAfterMs?: number; chatGone: boolean; detail?: string; maybeTaken?: boolean };

/**
 * What a channel's own record says of a send that may have been taken: the ids (`refs`) of the
 * messages it holds that match it, oldest first (none: it was not taken), or that it could not be
 * asked (`errorCode`; the outbox asks again later rather than send blindly).
 */
export type SentLookup = { ok: true; refs: string[] } | { ok: false; errorCode: string };

/**
 * What the outbox knows of a failed message beyond the failure: whether the channel's reply window
 * is open (a retry then comes within seconds: the user is waiting), and whether it was a template
 * (outside the window nothing else goes, so a window's refusal of it is final).
 */
export type FailureContext = { windowOpen?: boolean; template?: boolean };

/**
 * What the outbox does after a failure: try again at `at`; hold until the user writes (a closed
 * window); give the message up, telling the user when the chat still works; or stop sending to
 * the chat altogether (and tell an admin once).
 */
export type FailureDecision = { action: "retry"; at: number } | { action: "hold" } | { action: "fail"; tellUser: boolean } | { action: "stop_chat" };

/** One channel's pure side: every folder under src/channels/ exports one of these. */
export type ChannelSpec = {
  name: ChannelName;
  /** The app as users call it ("WhatsApp"): what replies say when they name a chat's app. */
  displayName: string;
  /** The service whose error codes a failed send carries ("Twilio" for WhatsApp): what a failure notice names. */
  serviceName: string;
  /** What replies call one chat of the app after its displayName: WhatsApp's is the user's "number", Telegram's a "chat". */
  chatNoun: string;
  limits: ChannelLimits;
  format: ChannelFormat;
  /** After `attempts` failed sends of one message, the last with `failure`; `random` draws the jitter (Math.random in the shell). */
  decideOnFailure(failure: ChannelFailure, attempts: number, now: number, random: () => number, context?: FailureContext): FailureDecision;
  /**
   * A channel that reports delivery later (an Outbound's `receipts`): whether a delivery that
   * failed with `errorCode` is worth sending the same message again (capacity, not content).
   * Unset: the channel reports nothing, or no such failure is retried.
   */
  isTransientDeliveryFailure?(errorCode: string): boolean;
};

/** A send's outcome: `ref` is the channel's id of the message (an edit's, a delivery report's), null when it gives none. */
export type SendOutcome = { ok: true; ref: string | null } | ({ ok: false } & ChannelFailure);

/**
 * The I/O side a channel's client implements in the shell: what the outbox sends through. Typed
 * results, never throws. Attachments are fetched by the channel's MediaFetcher, not through it.
 */
export type ChannelClient = {
  send(message: Outbound): Promise<SendOutcome>;
  /**
   * A channel that lists what it was sent (Twilio's Messages list): the messages to `message.to`
   * created since `since` that match `message`. Unset: the channel keeps no record the relay can
   * read (Telegram's Bot API), and a send in flight cannot be checked.
   */
  findSent?(message: Outbound, since: number): Promise<SentLookup>;
  /**
   * A channel with a reply window: its approved template that tells the user a result is waiting,
   * filled with `what`; unset or null (none configured): what is held waits silently.
   */
  resultWaiting?: ((what: string) => OutboundTemplate) | null;
};

/** UTF-8 length, as channels that count bytes count it. */
export function utf8Length(text: string): number {
  return new TextEncoder().encode(text).byteLength;
}
