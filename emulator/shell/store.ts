// In-memory state of one emulator: messages both ways, the window clock, faults and outages, typing requests, and who listens per phone.
import type { Button } from "../core/content-render";
import { phoneOf } from "../core/phone";
import type { OutboundMedia, OutboundMessage } from "../core/message-resource";
import { isInForce, outageFor, type Outage } from "../core/outage";

/** Media as the simulator shows it; `url` is the emulator's own unauthenticated copy, null until fetched. */
export type ChatMedia = { sid: string | null; contentType: string | null; size: number | null; filename: string | null; url: string | null };

/** Direction as Twilio names it: "in" is the user writing to the relay, "out" the relay writing to the user. */
export type ChatMessage = {
  sid: string;
  direction: "in" | "out";
  body: string;
  contentSid: string | null;
  contentVariables: Record<string, string> | null;
  buttons: Button[];
  media: ChatMedia[];
  /** The message a button tap answers. */
  replyTo: string | null;
  status: string;
  errorCode: number | null;
  at: number;
};

export type ChatEvent =
  | { type: "message"; message: ChatMessage }
  | { type: "status"; sid: string; status: string; errorCode: number | null }
  | { type: "typing"; on: boolean };

export type IncomingStatus = "sent" | "delivered" | "read" | "failed";

export type IncomingMessage = {
  sid: string;
  /** The user's `+E164`. */
  from: string;
  body: string;
  media: ChatMedia[];
  replyTo: string | null;
  status: IncomingStatus;
  errorCode: number | null;
  at: number;
};

export type FaultStatus = 429 | 500 | 503;
/**
 * What a counted fault answers: a transport failure (`status`), 63016 in the create's answer
 * (`code`), or a create taken and stored whose answer never arrives (`afterAccept`): `drop` closes
 * the connection at once, `hang` holds it open until the caller gives up or goes away.
 */
export type FaultAnswer = { status: FaultStatus } | { code: 63016 } | { afterAccept: "drop" | "hang" };
export type Fault = FaultAnswer & { to: string | undefined; remaining: number };
export type TypingRequest = { messageId: string; channel: string; at: number };

type Listener = (event: ChatEvent) => void;

export function createStore() {
  // One counter orders both directions, so a conversation reads in the order things happened.
  let nextSeq = 0;
  let outbound: (OutboundMessage & { seq: number })[] = [];
  let incoming: (IncomingMessage & { seq: number })[] = [];
  let lastInbound = new Map<string, number>();
  let faults: Fault[] = [];
  let outages: Outage[] = [];
  let typingRequests: TypingRequest[] = [];
  const listeners = new Map<string, Set<Listener>>();

  function publish(phone: string, event: ChatEvent): void {
    for (const listener of listeners.get(phone) ?? []) listener(event);
  }

  function setIncomingStatus(sid: string, status: IncomingStatus, errorCode: number | null): void {
    const message = incoming.find((m) => m.sid === sid);
    if (!message || message.status === status) return;
    Object.assign(message, { status, errorCode });
    publish(message.from, { type: "status", sid, status, errorCode });
  }

  return {
    publish,

    subscribe(phone: string, listener: Listener): () => void {
      const set = listeners.get(phone) ?? new Set<Listener>();
      set.add(listener);
      listeners.set(phone, set);
      return () => set.delete(listener);
    },

    addOutbound(message: OutboundMessage): void {
      outbound.push({ ...message, seq: nextSeq++ });
      publish(phoneOf(message.to), { type: "message", message: outboundChat(message) });
    },

    setOutboundStatus(sid: string, change: Pick<OutboundMessage, "status" | "errorCode" | "errorMessage" | "updatedAt">): void {
      const message = outbound.find((m) => m.sid === sid);
      if (!message) return;
      Object.assign(message, change);
      // Twilio's date_sent: when it left the queue, kept as later statuses come.
      if (message.sentAt === undefined && change.status !== "accepted" && change.status !== "queued") message.sentAt = change.updatedAt;
      publish(phoneOf(message.to), { type: "status", sid, status: change.status, errorCode: change.errorCode });
    },

    /** Records what fetching a sent message's media found; the phone sees the message again, now with its media. */
    setOutboundMedia(sid: string, media: OutboundMedia[]): void {
      const message = outbound.find((m) => m.sid === sid);
      if (!message) return;
      message.media = media;
      publish(phoneOf(message.to), { type: "message", message: outboundChat(message) });
    },

    outbound(to?: string): OutboundMessage[] {
      return to === undefined ? [...outbound] : outbound.filter((m) => phoneOf(m.to) === phoneOf(to));
    },

    findOutbound(sid: string): OutboundMessage | undefined {
      return outbound.find((m) => m.sid === sid);
    },

    addIncoming(message: IncomingMessage): void {
      incoming.push({ ...message, seq: nextSeq++ });
      lastInbound.set(message.from, message.at);
      publish(message.from, { type: "message", message: incomingChat(message) });
    },

    findIncoming(sid: string): IncomingMessage | undefined {
      return incoming.find((m) => m.sid === sid);
    },

    setIncomingStatus,

    /** Marks this message and every earlier one of that user read, as WhatsApp's read receipts do. */
    markIncomingReadUpTo(sid: string): void {
      const target = incoming.find((m) => m.sid === sid);
      if (!target) return;
      for (const message of incoming) {
        if (message.from === target.from && message.seq <= target.seq && message.status !== "failed") {
          setIncomingStatus(message.sid, "read", null);
        }
      }
    },

    conversation(phone: string): ChatMessage[] {
      const mine = [
        ...outbound.filter((m) => phoneOf(m.to) === phone).map((m) => ({ seq: m.seq, chat: outboundChat(m) })),
        ...incoming.filter((m) => m.from === phone).map((m) => ({ seq: m.seq, chat: incomingChat(m) })),
      ];
      return mine.sort((a, b) => a.seq - b.seq).map((entry) => entry.chat);
    },

    lastInboundAt(phone: string): number | undefined {
      return lastInbound.get(phone);
    },

    setLastInbound(phone: string, at: number): void {
      lastInbound.set(phone, at);
    },

    addFault(fault: Fault): void {
      faults.push(fault);
    },

    /** Consumes one pending fault for this recipient (or for anyone), first added first. */
    takeFault(to: string): FaultAnswer | undefined {
      const fault = faults.find((f) => f.remaining > 0 && (f.to === undefined || f.to === phoneOf(to)));
      if (!fault) return undefined;
      fault.remaining -= 1;
      faults = faults.filter((f) => f.remaining > 0);
      if ("code" in fault) return { code: fault.code };
      return "afterAccept" in fault ? { afterAccept: fault.afterAccept } : { status: fault.status };
    },

    pendingFaults(): Fault[] {
      return faults.map((f) => ({ ...f }));
    },

    addOutage(outage: Outage): void {
      outages.push(outage);
    },

    /** The outage a create to `to` meets at `now`, if any; counted faults are not consumed meanwhile. */
    outageFor(to: string, now: number): Outage | undefined {
      return outageFor(outages, to, now);
    },

    /** Outages in force or still to come; ended ones are forgotten. */
    pendingOutages(now: number): Outage[] {
      outages = outages.filter((o) => isInForce(o, now) || o.startedAt > now);
      return outages.map((o) => ({ ...o }));
    },

    addTypingRequest(request: TypingRequest): void {
      typingRequests.push(request);
    },

    typingRequests(messageId?: string): TypingRequest[] {
      return typingRequests.filter((r) => messageId === undefined || r.messageId === messageId);
    },

    /** Forgets everything recorded; live listeners stay connected. */
    reset(): void {
      outbound = [];
      incoming = [];
      lastInbound = new Map();
      faults = [];
      outages = [];
      typingRequests = [];
    },
  };
}

export type Store = ReturnType<typeof createStore>;

function outboundChat(m: OutboundMessage): ChatMessage {
  return {
    sid: m.sid,
    direction: "out",
    body: m.body,
    contentSid: m.contentSid ?? null,
    contentVariables: m.contentVariables ?? null,
    buttons: m.buttons,
    media: m.media.map((media) => ({
      sid: media.sid,
      contentType: media.contentType,
      size: media.size,
      filename: media.filename,
      url: media.sid ? mediaViewUrl(media.sid) : null,
    })),
    replyTo: null,
    status: m.status,
    errorCode: m.errorCode,
    at: m.createdAt,
  };
}

/** Where the simulator page reads media: the emulator's own copy, without Twilio's authentication. */
export function mediaViewUrl(mediaSid: string): string {
  return `/__emulator/media/${mediaSid}`;
}

function incomingChat(m: IncomingMessage): ChatMessage {
  return {
    sid: m.sid,
    direction: "in",
    body: m.body,
    contentSid: null,
    contentVariables: null,
    buttons: [],
    media: m.media,
    replyTo: m.replyTo,
    status: m.status,
    errorCode: m.errorCode,
    at: m.at,
  };
}

