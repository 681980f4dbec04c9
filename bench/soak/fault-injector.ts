// Carries out a fault plan against the running stack: each event at its time, crashes and
// restarts of one child one after another, and a record of what happened when.
import type { ChildName } from "../../scripts/stack/stack-children";
import { startOutage } from "./emulator-client";
import { describeFault, type FaultEvent } from "./fault-plan";
import type { Random } from "../lib/seeded-random";
import type { SoakStack } from "./soak-stack";
import type { Traffic } from "./traffic";

export type FaultRecord = {
  event: FaultEvent;
  /** Epoch ms: when it began (the kill, the outage's start) and ended (the child answered again, the outage's end). */
  startedAt: number | null;
  endedAt: number | null;
  outcome: "done" | "skipped" | "failed";
  note?: string;
};

export type Injector = {
  /** Cancels what has not started and resolves with every record once what did start has ended. */
  finish(): Promise<FaultRecord[]>;
};

export type InjectorDeps = {
  stack: SoakStack;
  traffic: Traffic;
  twilioUrl: string;
  random: Random;
  log: (line: string) => void;
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function startInjector(plan: readonly FaultEvent[], t0: number, deps: InjectorDeps): Injector {
  const { stack, traffic, random, log } = deps;
  const records: FaultRecord[] = plan.map((event) => ({ event, startedAt: null, endedAt: null, outcome: "skipped" }));
  // One crash or restart of a child at a time.
  const locks = new Map<ChildName, Promise<unknown>>();
  const exclusive = <T>(name: ChildName, work: () => Promise<T>): Promise<T> => {
    const run = (locks.get(name) ?? Promise.resolve()).then(work, work);
    locks.set(name, run.catch(() => undefined));
    return run;
  };

  const crashAndRestart = (record: FaultRecord, name: ChildName, downMs: number) =>
    exclusive(name, async () => {
      record.startedAt = Date.now();
      await stack.crash(name);
      await sleep(downMs);
      await stack.stack.restart(name);
      record.endedAt = Date.now();
    });

  async function carryOut(record: FaultRecord): Promise<void> {
    const event = record.event;
    switch (event.kind) {
      case "vm_crash":
        return crashAndRestart(record, "vm", event.downMs);
      case "worker_crash":
        return crashAndRestart(record, "worker", 0);
      case "twilio_outage":
        record.startedAt = Date.now();
        await startOutage(deps.twilioUrl, event.status, event.forMs);
        record.endedAt = record.startedAt + event.forMs;
        return;
      case "duplicate_webhook": {
        record.startedAt = Date.now();
        if (event.mode === "racing") {
          const message = traffic.create(event.sender, 0);
          record.note = message.token;
          await traffic.send(message, 2);
        } else {
          const message = traffic.latestAccepted(event.sender) ?? traffic.messages.filter((m) => m.acceptedAt !== null).at(-1);
          if (!message) throw new Error("nothing accepted yet to deliver again");
          record.note = message.token;
          await traffic.redeliver(message);
        }
        record.endedAt = Date.now();
        return;
      }
      case "burst": {
        record.startedAt = Date.now();
        const sends: Promise<void>[] = [];
        const tokens: string[] = [];
        for (let i = 0; i < event.size; i++) {
          const message = traffic.create(event.sender, 0);
          tokens.push(message.token);
          sends.push(traffic.send(message));
          await sleep(random.int(50, 250));
        }
        record.note = tokens.join(" ");
        await Promise.all(sends);
        record.endedAt = Date.now();
        return;
      }
    }
  }

  const timers: ReturnType<typeof setTimeout>[] = [];
  const running: Promise<void>[] = [];
  for (const record of records) {
    timers.push(
      setTimeout(
        () => {
          log(`fault ${describeFault(record.event)}`);
          running.push(
            carryOut(record).then(
              () => {
                record.outcome = "done";
              },
              (error: unknown) => {
                record.outcome = "failed";
                record.note = `${record.note ? `${record.note}: ` : ""}${error instanceof Error ? error.message : String(error)}`;
                log(`fault ${record.event.kind} failed: ${record.note}`);
              },
            ),
          );
        },
        Math.max(0, t0 + record.event.at - Date.now()),
      ),
    );
  }

  return {
    async finish() {
      timers.forEach(clearTimeout);
      await Promise.all(running);
      return records;
    },
  };
}
