// A run's user turns in the order the relay sent them. Each is registered with the run when it
// arrives (so the run is not `done` before it is answered, and an exit reports it `unconsumed`),
// and written to the CLI once the run has its process and the turn's attachments are saved.
// A turn without attachments is ready at once: it goes exactly when it would without this queue.
// A message is one turn's, once: the relay sends a further turn again when the instance that sent
// it died before recording it, and the CLI must not answer it twice.
import { randomUUID } from "node:crypto";
import type { InputMessage } from "../../../src/protocol/vm/runs";
import { turnText } from "./agent-process";
import type { Run } from "../core/run-handle";

/** Turns a message's attachments into files and lines of text; never rejects. */
export type PrepareMessage = (message: InputMessage, signal: AbortSignal) => Promise<InputMessage>;
/** Writes one registered turn to the CLI's stdin. */
export type WriteTurn = (uuid: string, text: string) => void;

export type TurnQueue = {
  /** `fromStart`: a turn of the run's own request. */
  add(messages: InputMessage[], fromStart?: boolean): void;
  /** The run's process is ready: every ready turn is written, in order, and later ones as they become ready. */
  attach(write: WriteTurn): void;
};

const hasAttachments = (messages: InputMessage[]) => messages.some((m) => (m.attachments?.length ?? 0) > 0);

export function createTurnQueue(run: Run, prepare: PrepareMessage): TurnQueue {
  const waiting: Array<{ uuid: string; text: string | null }> = [];
  let write: WriteTurn | null = null;
  const ended = new AbortController();
  run.onFinished(() => ended.abort());

  const flush = () => {
    for (let next = waiting[0]; write && run.admits("input").kind === "accept" && next && next.text !== null; next = waiting[0]) {
      waiting.shift();
      write(next.uuid, next.text);
    }
  };

  /** Every message id the run was given: a repeated input (the relay's record of the first was lost) adds nothing twice. */
  const given = new Set<string>();

  return {
    add(all, fromStart = false) {
      const messages = all.filter((m) => !given.has(m.id));
      if (messages.length === 0) return;
      for (const m of messages) given.add(m.id);
      const uuid = randomUUID();
      run.feed({ type: "written", uuid, messageIds: messages.map((m) => m.id), fromStart });
      const turn = { uuid, text: hasAttachments(messages) ? null : turnText(messages) };
      waiting.push(turn);
      if (turn.text === null) {
        void Promise.all(messages.map((m) => prepare(m, ended.signal))).then((prepared) => {
          turn.text = turnText(prepared);
          flush();
        });
      }
      flush();
    },
    attach(writer) {
      write = writer;
      flush();
    },
  };
}
