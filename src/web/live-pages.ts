// The private pages watching runs live, as the object's hibernating WebSockets (ctx.acceptWebSocket):
// a socket costs nothing while no event flows, and outlives the object's eviction (its link's
// scope, epoch and end are its attachment). Each run event the page shows is stored and numbered
// first (web/live-events-repo.ts), then sent to the sockets of its conversation; a page that
// reconnects names the last number it has and gets what came after, from the rows.
import { approvalBody, helloOf, startBody, LIVE_REPLAY_MAX, type LiveAttachment, LiveAttachmentSchema, liveBodiesOf, type LiveBody, type LiveEvent, liveSocketValid, liveTags, liveTagsOf, type LiveOpenSchema } from "./web-live";
import type * as z from "zod/mini";
import type { VmRunEvent } from "../protocol/vm/runs";
import type { Approval } from "../approvals/approvals-repo";
import type { LiveEventsRepo } from "./live-events-repo";
import type { Log } from "../shared/log";
import { crowdedReason, LIVE_CROWDED, type LiveCaps, socketsToClose } from "./live-caps";

/** Close codes the page's script reads: the link ended (expired, revoked, or the phone's access removed), the page asked for something else, or too many pages were open (live-caps.ts). */
export const LIVE_CLOSE = { linkEnded: 4001, badRequest: 4400, crowdedLink: LIVE_CROWDED.link, crowdedUser: LIVE_CROWDED.user } as const;

export type LivePagesDeps = {
  ctx: Pick<DurableObjectState, "acceptWebSocket" | "getWebSockets">;
  repo: LiveEventsRepo;
  approvalByRequest: (vmRunId: string, requestId: string) => Approval | null;
  /** Whether the approval's prompt went with a picture of its edit (approvals-unit's pictureOf). */
  hasPicture: (approvalId: number) => boolean;
  epoch: () => number;
  /** How many pages may watch at once, per link and per phone. */
  caps: LiveCaps;
  log: Log;
};

/** A page's socket to open: the link the Worker opened, and the last event the page has. */
export type LiveOpen = z.infer<typeof LiveOpenSchema>;

export function createLivePages(d: LivePagesDeps) {
  const attachmentOf = (ws: WebSocket): LiveAttachment | null => {
    const parsed = LiveAttachmentSchema.safeParse(ws.deserializeAttachment());
    return parsed.success ? parsed.data : null;
  };
  const send = (ws: WebSocket, message: unknown): void => {
    try {
      ws.send(JSON.stringify(message));
    } catch {
      // A socket closing meanwhile: its page reconnects and asks from its last number.
    }
  };
  const closeQuietly = (ws: WebSocket, code: number, reason: string): void => {
    try {
      ws.close(code, reason);
    } catch {
      // Closed meanwhile: nothing more to say to it.
    }
  };
  /** Whether `ws` may go on; a socket whose link ended is closed (its page says how to get a fresh one). */
  const keep = (ws: WebSocket, now: number, epoch = d.epoch()): LiveAttachment | null => {
    const a = attachmentOf(ws);
    if (a && liveSocketValid(a, epoch, now)) return a;
    closeQuietly(ws, LIVE_CLOSE.linkEnded, "link ended");
    return null;
  };

  /** Makes room for a page of `link` within the caps: the oldest pages close first, each told why. */
  const makeRoom = (link: string): void => {
    const held = d.ctx.getWebSockets().map((socket) => {
      const a = attachmentOf(socket);
      return { socket, link: a?.link ?? null, openedAt: a?.openedAt ?? 0 };
    });
    const closing = socketsToClose(held, link, d.caps);
    for (const { socket, why } of closing) closeQuietly(socket, LIVE_CROWDED[why], crowdedReason(why, d.caps));
    if (closing.length > 0) d.log("live_sockets_closed", { closed: closing.length, why: "crowded", open: held.length - closing.length + 1 });
  };

  /** Stores the events of one flush as one row and sends them to the open pages of its conversation (and of every conversation). */
  const publishAll = (conversationId: number, runId: string, bodies: readonly LiveBody[], at: number, source: string | null): LiveEvent[] => {
    const events = d.repo.add({ conversationId, runId, at, bodies, source });
    if (events.length === 0) return events;
    // The epoch read once per flush, not once per page.
    const epoch = d.epoch();
    for (const tag of liveTagsOf(conversationId)) for (const ws of d.ctx.getWebSockets(tag)) if (keep(ws, at, epoch)) for (const event of events) send(ws, event);
    return events;
  };
  /** Stores one event and sends it to the open pages of its conversation (and of every conversation). */
  const publish = (conversationId: number, runId: string, body: LiveBody, at: number, source: string | null = null): LiveEvent | null =>
    publishAll(conversationId, runId, [body], at, source)[0] ?? null;

  return {
    /** Accepts a page's socket (the link is checked by the caller) and sends it what it missed. */
    open(request: LiveOpen, now: number): Response {
      const pair = new WebSocketPair();
      const [client, server] = [pair[0], pair[1]];
      makeRoom(request.link);
      d.ctx.acceptWebSocket(server, liveTags(request.scope, request.epoch, request.link));
      const attachment: LiveAttachment = { conversationId: request.scope.kind === "conversation" ? request.scope.conversationId : null, epoch: request.epoch, expiresAt: request.expiresAt, actUntil: request.actUntil, link: request.link, openedAt: now };
      server.serializeAttachment(attachment);
      send(server, helloOf(attachment, now));
      // Only what the page lacks: the events after the last one it names.
      const missed = d.repo.after(attachment.conversationId, request.since, LIVE_REPLAY_MAX);
      for (const event of missed) send(server, event);
      // The page says "live" from here: it has caught up.
      send(server, { type: "caught_up", upTo: missed.at(-1)?.seq ?? request.since });
      return new Response(null, { status: 101, webSocket: client });
    },

    /**
     * Stores what the events of one flush of a run's stream show on the page, as one row, and sends
     * them to the pages of its conversation. An event the run applied is kept from showing twice by
     * the run's stored seq (a replay is not recorded); a progress line moves no stored seq, so it is
     * keyed by the VM's own numbering: read again, it is not shown twice.
     */
    record(run: { id: string; vmRunId: string; conversationId: number }, events: readonly VmRunEvent[], at: number): void {
      const bodies = events.flatMap((event): LiveBody[] => {
        const shown = liveBodiesOf(event);
        if (event.type !== "approval_request") return shown;
        const a = d.approvalByRequest(run.vmRunId, event.requestId);
        // The picture was drawn and stored before the request was applied (approvals' prepare), so it is known here.
        return a && a.status === "pending" ? [...shown, approvalBody(a, event.edit?.diff ?? null, d.hasPicture(a.id))] : shown;
      });
      const progress = events.length === 1 && events[0]!.type === "progress" ? events[0]! : null;
      publishAll(run.conversationId, run.id, bodies, at, progress ? `${run.vmRunId}:${progress.seq}:0` : null);
    },

    /**
     * A run of the conversation began: the pages open on it, with or without a run going, show their
     * live part from here on. Stored once per run, whatever starts it again (a retry, an eviction).
     */
    started(run: { id: string; conversationId: number }, at: number): void {
      publish(run.conversationId, run.id, startBody(), at, `${run.id}:start`);
    },

    publish,

    /** After /web revoke (or an admin's /deny): every socket of an older link closes now (a page open meanwhile sees no more). */
    closeRevoked(now: number): number {
      let closed = 0;
      for (const ws of d.ctx.getWebSockets()) {
        if (!attachmentOf(ws)) continue;
        if (!keep(ws, now)) closed++;
      }
      if (closed > 0) d.log("live_sockets_closed", { closed, why: "revoked" });
      return closed;
    },

    /** A message from a page: only a ping is expected (it keeps proxies from closing a quiet socket). */
    message(ws: WebSocket, message: string | ArrayBuffer, now: number): void {
      if (!keep(ws, now)) return;
      if (message === "ping") send(ws, { type: "pong" });
      else ws.close(LIVE_CLOSE.badRequest, "unexpected message");
    },
  };
}
export type LivePages = ReturnType<typeof createLivePages>;
