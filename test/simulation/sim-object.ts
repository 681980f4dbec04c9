// One user's object as the simulation runs it: the units composed exactly as PhoneAgent composes
// them (src/agent/compose-units.ts), over the simulated storage, with the simulation's clock. Its
// entry points do what PhoneAgent's do (src/phone-agent.ts): a message is received in one step
// (agent/inbox.ts receive) and then the due units run; the alarm runs the due units at its time.
//
// The pump: the units due at `now` run in PhoneAgent's order until none is due or a pass changed
// nothing, as AlarmPump.pump does. One difference, for determinism: the runs unit is handed control
// back at once (`until` = now) when its streams have nothing more to read, and every stream is
// let go when the pump ends (AlarmPump does the same at its slice's end), so the next pump reads
// a run from its stored seq. The platform's alarm itself is not modelled: the scheduler's "alarm"
// runs the pump at the earliest due time of the units, which is the time the object plans it for.
import { composeUnits } from "../../src/agent/compose-units";
import { receive } from "../../src/agent/inbox";
import { loadConfig } from "../../src/agent/relay-settings";
import type { InboundMessage } from "../../src/messages/inbound-message";
import { FRESH_SCHEMA, MIGRATIONS, migrate } from "../../src/shared/migrate";
import { createSql, type Sql } from "../../src/shared/sql";
import { earliest } from "../../src/shared/wake-plan";
import { isDue } from "../../src/shared/unit";
import type { DeliveryStatus } from "../../src/outbox/outbox-unit";
import { SIM_TWILIO, SIM_VM } from "./sim-network";
import type { SimStorage } from "./sim-storage";

export const SIM_PHONE = "+15550007001";
const SIM_ENV = {
  TWILIO_ACCOUNT_SID: "AC00000000000000000000000000000001",
  TWILIO_AUTH_TOKEN: "simulated-auth-token",
  TWILIO_WHATSAPP_FROM: "whatsapp:+14155238886",
  TWILIO_API_BASE: SIM_TWILIO,
  TWILIO_MESSAGING_API_BASE: SIM_TWILIO,
  TWILIO_CONTENT_API_BASE: SIM_TWILIO,
  PUBLIC_URL: "https://relay.sim",
  ALLOWED_SENDERS: SIM_PHONE,
  VM_URL: SIM_VM,
  VM_TOKEN: "simulated-vm-token",
  MAX_MESSAGES_PER_MINUTE: "0",
};
/** A pump gives up after this many passes: a unit that is due and changes nothing would spin. */
const MAX_PASSES = 200;

export type SimObject = ReturnType<typeof buildObject>;

/** What the object logs: one line an event, as the Worker's log gets it. */
export type SimLog = (event: string, fields: Record<string, unknown>) => void;

/** A new instance of the object over `storage` (a fresh start, an eviction, or after a crash). */
export function buildObject(storage: SimStorage, clock: () => number, log: SimLog = () => {}) {
  const loaded = loadConfig(SIM_ENV);
  if (!loaded.ok) throw new Error(`simulation config invalid: ${loaded.problems.join("; ")}`);
  const handle = storage.instance();
  migrate(handle as unknown as DurableObjectStorage, clock(), MIGRATIONS, FRESH_SCHEMA);
  const sql: Sql = createSql(handle);
  const u = composeUnits({ sql, phone: SIM_PHONE, config: loaded.config, log, bindings: { media: undefined, ai: undefined }, clock });

  /** The due units, run until none is due or a pass changed nothing. */
  const pump = async (now: number): Promise<void> => {
    try {
      for (let pass = 0; pass < MAX_PASSES; pass++) {
        const due = u.units.filter((unit) => isDue(unit.nextDueAt(now), now));
        if (due.length === 0) return;
        let moved = false;
        for (const unit of due) {
          const version = sql.version();
          const outcome = (await unit.runDue(now, now)) as { kind?: string } | number | undefined;
          if (sql.version() !== version) moved = true;
          if (unit === u.runs && typeof outcome === "object" && (outcome.kind === "changed" || outcome.kind === "finished")) moved = true;
          if (unit === u.mediaInbox && Number(outcome) > 0) u.runs.wake();
        }
        if (!moved) return;
      }
    } finally {
      u.runs.close();
    }
  };

  return {
    u,
    sql,
    /** PhoneAgent.enqueue: stored (null: a duplicate), then the pump. `stored` is known before the pump runs. */
    async receive(message: InboundMessage, now: number, onStored: (stored: boolean) => void): Promise<void> {
      const stored = receive(u.inbox, message, now, null);
      // The webhook is answered once the step's writes are durable (workerd's output gate).
      await Promise.resolve();
      onStored(stored !== null);
      u.runs.wake();
      await pump(now);
    },
    /** PhoneAgent.recordDeliveryStatus. */
    async deliveryStatus(update: DeliveryStatus, now: number): Promise<void> {
      const dueMore = sql.transaction(() => u.outbox.applyStatus(update, now));
      if (dueMore) await pump(now);
    },
    /** The alarm: the due units at `now`. */
    alarm: (now: number) => pump(now),
    /** When the object would set its alarm: the earliest due time of its units. */
    nextDueAt: (now: number): number | null => earliest(u.units.map((unit) => unit.nextDueAt(now))),
  };
}
