// A seeded simulation of one user's object, in the spirit of FoundationDB's simulator and
// TigerBeetle's VOPR: a scheduler drawn from one seed drives the real units (sim-object.ts) through
// messages, /status, duplicates and redeliveries, the VM's events (a split end, a crash, a cut
// stream), alarms and the passing of time, each send's outcome, delivery reports, evictions and a
// crash at a storage boundary; after every step it checks the user's promises (checkInvariants),
// and at the end it lets the faults stop and checks that everything drains and was answered once.
// The same seed replays the same run exactly (replayCommand).
import type { InboundMessage } from "../../src/messages/inbound-message";
import { seeded } from "./random";
import { UNDO_DECLINED, UNDO_LEFT, UNDO_VOIDED } from "../../src/changes/changes-replies";
import { buildObject, type SimLog, type SimObject } from "./sim-object";
import { createSimNetwork, type SendOutcome, type SimNetwork } from "./sim-network";
import { createSimStorage, SimulatedCrash, type SimStorage } from "./sim-storage";

/**
 * The faults of the send window (docs/relay.md, "Once, on every door"): a send Twilio accepted
 * whose 201 the relay never read (the connection dropped), and a crash after an accepted send,
 * before the write that records it is durable. The relay's in-flight mark and its look-up of
 * Twilio's Messages list before a resend keep the user from getting it twice; without them seeds 3
 * and 8 deliver a reply twice. On unless SIM_SEND_WINDOW=0 (to look at the rest alone).
 */
export const SEND_WINDOW_FAULTS = process.env.SIM_SEND_WINDOW !== "0";
/** The write that records an accepted send: with the send-window faults off, no crash strikes its batch. */
const RECORDS_A_SEND = /^\s*UPDATE outbox SET status = 'sent'/;

export type SimOptions = { seed: number; steps: number; sendWindowFaults?: boolean };
export type Violation = { step: number; invariant: string; detail: string };
export type SimReport = {
  seed: number;
  steps: number;
  /** Invariant checks made (each invariant at each step, and the final ones). */
  checks: number;
  violations: Violation[];
  counts: Record<string, number>;
  /** The steps as drawn, for reading a failing run. */
  trace: string[];
};

/** The command that replays a seed exactly. */
export const replayCommand = (o: SimOptions) =>
  `SIM_SEED=${o.seed} SIM_STEPS=${o.steps}${o.sendWindowFaults ? "" : " SIM_SEND_WINDOW=0"} npx vitest run --project units test/units/simulation.test.ts`;

const T0 = Date.UTC(2026, 10, 23, 10, 0, 0);
const STATUS = "/status";
const UNDO = "/undo";
const NO = "no";

type Kind = "agent" | "status" | "undo" | "no";
type Sent = { message: InboundMessage; accepted: boolean; kind: Kind };
const kindOf = (body: string): Kind => (body === STATUS ? "status" : body === UNDO ? "undo" : body === NO ? "no" : "agent");

export async function simulate(options: SimOptions): Promise<SimReport> {
  const rng = seeded(options.seed);
  const sendWindow = options.sendWindowFaults ?? SEND_WINDOW_FAULTS;
  let now = T0;
  const clock = () => now;
  const sendOutcomes: Record<SendOutcome, number> = { accepted: 80, refused: 8, rate_limited: 6, dropped_after_accept: sendWindow ? 6 : 0 };
  const network = createSimNetwork(rng, { sendOutcomes }, clock);
  const storage = createSimStorage(sendWindow ? null : RECORDS_A_SEND);
  const report: SimReport = { seed: options.seed, steps: options.steps, checks: 0, violations: [], counts: {}, trace: [] };
  const count = (what: string) => (report.counts[what] = (report.counts[what] ?? 0) + 1);
  const sent: Sent[] = [];
  /** Webhooks the object did not answer (it crashed): Twilio sends them again. */
  const unanswered: InboundMessage[] = [];
  let nextId = 1;
  const realFetch = globalThis.fetch;
  globalThis.fetch = network.fetch as typeof fetch;
  let step = 0;
  const violate = (invariant: string, detail: string) => report.violations.push({ step, invariant, detail });
  // The simulated VM is a well-behaved one (its faults are a crash, a cut stream, a split end): the
  // object refusing one of its events as not this run's is the relay's own bug, such as a further
  // turn the VM took whose hand-off a crash kept from being recorded.
  const log: SimLog = (event, fields) => {
    if (event === "run_decision" && fields["message"] === "an event named messages this run does not carry") violate("a well-behaved VM's events are never refused", `run ${String(fields["runId"])}: ${String(fields["message"])}`);
  };
  let object: SimObject = build(storage, clock, log);
  /** Runs one entry point of the object; a crash (at the armed boundary) kills it and a new instance starts from storage. */
  const run = async (entry: () => Promise<void>): Promise<boolean> => {
    try {
      await entry();
    } catch (error) {
      if (!(error instanceof SimulatedCrash) && !storage.crashed()) throw error;
    }
    if (!storage.crashed()) return true;
    count("crash");
    report.trace.push(`crashed at: ${storage.crashedAt().at(-1)}`);
    object = build(storage, clock, log);
    return false;
  };

  const deliver = async (message: InboundMessage, kind: Kind = kindOf(message.body)) => {
    let accepted = false;
    const outboxBefore = maxOutboxId(storage);
    const holdsAll = userHoldsEveryReply(sent, network, storage);
    // Stored and durable: a crash the object's code caught inside the step leaves nothing stored.
    const ok = await run(() => object.receive(message, now, (stored) => void (accepted = stored && !storage.crashed())));
    const entry = sent.find((s) => s.message.messageId === message.messageId);
    if (!accepted && !ok && !entry?.accepted) {
      // The webhook got no answer: Twilio delivers it again later.
      unanswered.push(message);
      if (!entry) sent.push({ message, accepted: false, kind });
      return;
    }
    const added = storage.read<{ body: string }>("SELECT body FROM outbox WHERE id > ? ORDER BY id", outboxBefore).map((r) => r.body);
    // A "no" with no question open is a message for the agent, as any other.
    const as: Kind = kind === "no" && !added.includes(UNDO_DECLINED) ? "agent" : kind;
    // A redelivery that is taken says what the message was (an answer to a question, or for the agent).
    if (entry && accepted && !entry.accepted) Object.assign(entry, { accepted, kind: as });
    else if (!entry) sent.push({ message, accepted, kind: as });
    if (holdsAll && accepted && (kind === "status" || kind === "undo")) {
      report.checks++;
      const running = added.find((b) => (b.startsWith("The agent is") && !b.startsWith("The agent is idle")) || / is still running\. \/undo once/.test(b));
      if (running) violate("no answer claims a run is running after the user got its reply", `${message.body} answered “${running.split("\n")[0]}” when the user held a reply to every message`);
    }
  };
  const questions = watchUndoQuestion(storage, violate, count);
  /** The VM finishes what it has and the alarms run until nothing is due (or `rounds` pass): a user who waits. */
  const untilQuiet = async (rounds: number) => {
    for (let round = 0; round < rounds; round++) {
      for (const r of network.liveRuns()) network.advance(r, { splitEnd: false, crash: false });
      const due = object.nextDueAt(now);
      if (due === null && network.liveRuns().length === 0) return;
      now = Math.max(now + 1_000, due ?? now);
      await run(() => object.alarm(now));
    }
  };

  const inbound = (body: string): InboundMessage => ({ messageId: `SMin${String(nextId++).padStart(30, "0")}`, body, media: [], receivedAt: now, publicOrigin: "https://relay.sim" });

  try {
    for (step = 1; step <= options.steps; step++) {
      const action = rng.weighted({ message: 24, status: 6, undo: 6, no: 2, duplicate: 5, redeliver: unanswered.length > 0 ? 10 : 0, vm: 30, vmCut: 2, alarm: 14, time: 5, deliveryStatus: 5, evict: 3, crash: 5 });
      report.trace.push(action);
      count(action);
      switch (action) {
        case "message":
          await deliver(inbound(`m${nextId}`), "agent");
          break;
        case "status":
          await deliver(inbound(STATUS));
          break;
        case "undo":
          // Often after the runs are over, as a user who read the reply would (faults go on meanwhile).
          if (rng.chance(0.5)) await untilQuiet(20);
          await deliver(inbound(UNDO));
          // Mostly answered at once, as a user who asked would.
          if (rng.chance(0.6)) await deliver(inbound(NO));
          break;
        case "no":
          await deliver(inbound(NO));
          break;
        case "duplicate": {
          // Twilio's retry of a webhook it thinks failed: the same MessageSid again.
          const earlier = sent.filter((s) => s.accepted);
          if (earlier.length > 0) {
            const again = rng.pick(earlier);
            await deliver({ ...again.message, receivedAt: now });
          }
          break;
        }
        case "redeliver": {
          const message = unanswered.shift()!;
          await deliver({ ...message, receivedAt: now });
          break;
        }
        case "vm": {
          const live = network.liveRuns();
          if (live.length === 0) break;
          network.advance(rng.pick(live), { splitEnd: rng.chance(0.3), crash: rng.chance(0.04) });
          // The events reach the object as its runs unit reads them: now, if a pump is due.
          await run(() => object.alarm(now));
          break;
        }
        case "vmCut":
          network.cutStreams();
          break;
        case "alarm": {
          const due = object.nextDueAt(now);
          if (due !== null) now = Math.max(now, due);
          await run(() => object.alarm(now));
          break;
        }
        case "time":
          now += rng.int(0, 10_000);
          break;
        case "deliveryStatus": {
          if (network.delivered.length === 0) break;
          const d = rng.pick(network.delivered);
          await run(() => object.deliveryStatus({ messageSid: d.sid, status: rng.pick(["sent", "delivered", "read"] as const), errorCode: null }, now));
          break;
        }
        case "evict":
          object = build(storage, clock, log);
          break;
        case "crash":
          storage.armCrash(rng.int(1, 12));
          break;
      }
      now += rng.int(0, 1_500);
      report.checks += checkInvariants(sent, network, violate) + questions();
    }
    // The faults stop: every send goes, no crash; the VM finishes what it has; the alarms drain it all.
    storage.disarm();
    sendOutcomes.refused = sendOutcomes.rate_limited = sendOutcomes.dropped_after_accept = 0;
    for (const message of unanswered.splice(0)) await deliver({ ...message, receivedAt: now });
    await untilQuiet(400);
    step = options.steps + 1;
    report.checks += checkInvariants(sent, network, violate) + questions();
    report.checks += checkDrained(sent, network, storage, violate);
  } finally {
    globalThis.fetch = realFetch;
    storage.close();
  }
  return report;
}

function build(storage: SimStorage, clock: () => number, log: SimLog): SimObject {
  for (;;) {
    try {
      return buildObject(storage, clock, log);
    } catch (error) {
      if (!(error instanceof SimulatedCrash)) throw error;
    }
  }
}

/**
 * /undo's question as the relay told it, read from the outbox in order: asked, answered (declined),
 * or closed unanswered (another message, a run that voided it). Told closed unanswered once it was
 * answered is the lie the invariant forbids. Returns a check that reads the rows new since the last.
 */
function watchUndoQuestion(storage: SimStorage, violate: (invariant: string, detail: string) => void, count: (what: string) => void): () => number {
  let seen = 0;
  let state: "none" | "open" | "answered" = "none";
  return () => {
    const rows = storage.read<{ id: number; body: string }>("SELECT id, body FROM outbox WHERE id > ? ORDER BY id", seen);
    for (const { id, body } of rows) {
      seen = id;
      if (body.startsWith("Undo the run")) {
        state = "open";
        count("undo_asked");
      } else if (body === UNDO_DECLINED) {
        state = "answered";
        count("undo_declined");
      }
      else if (body === UNDO_LEFT || body === UNDO_VOIDED) {
        if (state === "answered") violate("no question is told unanswered after it was answered", `“${body.slice(0, 60)}…” after the user answered /undo's question`);
        state = "none";
      }
    }
    return 1;
  };
}

const maxOutboxId = (storage: SimStorage) => storage.read<{ id: number | null }>("SELECT max(id) AS id FROM outbox")[0]?.id ?? 0;

/** The message ids each delivered reply of the agent answers (its text is `echo: <ids>`). */
function echoedIds(network: SimNetwork): Map<string, number> {
  const times = new Map<string, number>();
  for (const d of network.delivered) {
    const ids = /(?:^|\n)echo: (.+)$/m.exec(d.body)?.[1]?.split(" ") ?? [];
    for (const id of ids) times.set(id, (times.get(id) ?? 0) + 1);
  }
  return times;
}

/**
 * Whether the user's phone holds a reply to every message for the agent that the object has: those
 * it accepted, and those it stored before a crash kept its webhook from being answered (Twilio
 * sends them again, but the relay works on them already, and saying so is true).
 */
function userHoldsEveryReply(sent: Sent[], network: SimNetwork, storage: SimStorage): boolean {
  const echoed = echoedIds(network);
  const stored = new Set(storage.read<{ id: string }>("SELECT id FROM messages").map((r) => r.id));
  return sent.filter((s) => (s.accepted || stored.has(s.message.messageId)) && s.kind === "agent").every((s) => echoed.has(s.message.messageId));
}

/** The promises that hold after every step; returns how many checks it made. */
function checkInvariants(sent: Sent[], network: SimNetwork, violate: (invariant: string, detail: string) => void): number {
  const echoed = echoedIds(network);
  for (const [id, times] of echoed) if (times > 1) violate("no reply is delivered twice", `the reply to ${id} reached the phone ${times} times`);
  const known = new Set(sent.map((s) => s.message.messageId));
  for (const id of echoed.keys()) if (!known.has(id)) violate("every reply answers a message the user sent", `a reply names ${id}`);
  const statusAnswers = network.delivered.filter((d) => d.body.startsWith("The agent is")).length;
  const statusAccepted = sent.filter((s) => s.accepted && s.kind === "status").length;
  if (statusAnswers > statusAccepted) violate("no reply is delivered twice", `${statusAnswers} /status answers for ${statusAccepted} /status`);
  return 3;
}

/** At the end, with the faults stopped: the outbox drained, and every accepted message answered exactly once. */
function checkDrained(sent: Sent[], network: SimNetwork, storage: SimStorage, violate: (invariant: string, detail: string) => void): number {
  const waiting = storage.read<{ n: number }>("SELECT count(*) AS n FROM outbox WHERE status IN ('pending', 'sending') AND held = 0")[0]?.n ?? 0;
  if (waiting > 0) violate("the outbox drains", `${waiting} message(s) still waiting to be sent`);
  const echoed = echoedIds(network);
  const delivered = new Set(network.delivered.map((d) => d.body));
  for (const s of sent.filter((x) => x.accepted && x.kind === "agent")) {
    // A run that gave up names what it held (the first few by their words, then "and N more"): its notice's key names the run.
    const byNotice = storage
      .read<{ body: string }>("SELECT o.body FROM messages m JOIN outbox o ON o.dedupe_key = 'gave-up:' || m.run_id WHERE m.id = ? AND m.status IN ('failed', 'dropped')", s.message.messageId)
      .some((n) => delivered.has(n.body));
    if (!echoed.has(s.message.messageId) && !byNotice) violate("every accepted message is answered exactly once", `${s.message.messageId} (“${s.message.body}”) was never answered`);
  }
  const statusAnswers = network.delivered.filter((d) => d.body.startsWith("The agent is")).length;
  const statusAccepted = sent.filter((s) => s.accepted && s.kind === "status").length;
  if (statusAnswers !== statusAccepted) violate("every accepted message is answered exactly once", `${statusAnswers} /status answers for ${statusAccepted} /status`);
  return 3;
}

