// The Worker's /h/<code> requests as the phone's object answers them (the hand-off's own work is
// in handoffs.ts): each reads the clock once, and a line it tells the chat sets the object's work going.
import type { Clock } from "../shared/clock";
import type { HandoffCodeRefusal } from "./handoff";
import { type HandbackAnswer, type HandbackUpload, type HandoffCodeAnswer, type HandoffDataAnswer, type HandoffDeps, type HandoffNewUpload, laptopDone, laptopFailed, laptopRefused, readHandoffCode, takeHandback, takeHandoff, takeHandoffNew } from "./handoffs";
import { randomWorkspaceId } from "../conversations/conversation-commands";
import type { OutboxRepo } from "../outbox/outbox-repo";
import type { Button } from "../channels/channel";

type Tell = (body: string, buttons?: Button[]) => void;

export function handoffEntries(d: {
  deps: () => HandoffDeps;
  outbox: Pick<OutboxRepo, "add">;
  makeCurrent: (conversationId: number) => void;
  clock: Clock;
  /** The object's pump: the line told is sent (alarm-pump.ts workOn). */
  workOn: (now: number) => Promise<void>;
}) {
  /** Runs `act` with a `tell` that queues the chat's line once under `key`; when it was queued, the object works on it. */
  async function telling<T>(now: number, key: string, act: (tell: Tell) => T | Promise<T>): Promise<T> {
    let told = false;
    const answer = await act((body, buttons) => (told = d.outbox.add({ dedupeKey: key, body, ...(buttons ? { buttons } : {}), now })));
    if (told) await d.workOn(now);
    return answer;
  }

  return {
    readCode: (digest: string): HandoffCodeAnswer => readHandoffCode(d.deps(), digest, d.clock()),
    take(digest: string, laptopDir: string): Promise<HandoffDataAnswer> {
      const now = d.clock();
      return telling(now, `handoff:${digest}`, (tell) => takeHandoff(d.deps(), digest, laptopDir, now, tell));
    },
    doneOnLaptop(digest: string): Promise<boolean> {
      const now = d.clock();
      return telling(now, `handoff-done:${digest}`, (tell) => laptopDone(d.deps(), digest, now, tell));
    },
    /** Once per code and reason: a laptop that runs a used line three times hears it once. */
    refusedOnLaptop(digest: string, refusal: Exclude<HandoffCodeRefusal, "unknown">): Promise<void> {
      return telling(d.clock(), `handoff-refused:${digest}:${refusal}`, (tell) => laptopRefused(d.deps(), digest, refusal, tell));
    },
    failedOnLaptop(digest: string, why: string): Promise<boolean> {
      const now = d.clock();
      return telling(now, `handoff-failed:${digest}:${now}`, (tell) => laptopFailed(d.deps(), digest, why, now, tell));
    },
    takeBack(digest: string, upload: HandbackUpload): Promise<HandbackAnswer> {
      const now = d.clock();
      return telling(now, `handback:${digest}:${now}`, (tell) => takeHandback(d.deps(), digest, upload, now, tell));
    },
    takeNew(digest: string, upload: HandoffNewUpload): Promise<HandbackAnswer> {
      const now = d.clock();
      const deps = { ...d.deps(), newWorkspaceId: randomWorkspaceId, makeCurrent: d.makeCurrent };
      return telling(now, `handoff-new:${digest}`, (tell) => takeHandoffNew(deps, digest, upload, now, tell));
    },
  };
}
