// Counts the relay's structured log events in the stack's output, to say why messages were lost
// (outbox_failed with Twilio's error code, run failures and decisions). Pure.

export type TimedLine = { at: number; line: string };
/**
 * `phone` as the relay logs it, masked (`+1555***0001`); `retryAt`: when a retry was planned for
 * (an outbox retry's `retryAt`, a run decision's `decision.at`), epoch ms.
 */
export type RelayEvent = { at: number; event: string; detail: string | null; phone: string | null; retryAt: number | null };

const JSON_PART = /\{.*\}/;

/** `{"event": …}` lines of the Worker (`[worker]` prefix); `detail` is the field that says why. */
export function relayEvents(lines: readonly TimedLine[]): RelayEvent[] {
  return lines.flatMap(({ at, line }) => {
    if (!line.startsWith("[worker]")) return [];
    const json = JSON_PART.exec(line)?.[0];
    if (!json) return [];
    let parsed: unknown;
    try {
      parsed = JSON.parse(json);
    } catch {
      return [];
    }
    if (typeof parsed !== "object" || parsed === null || typeof (parsed as { event?: unknown }).event !== "string") return [];
    const fields = parsed as Record<string, unknown> & { event: string };
    return [{ at, event: fields.event, detail: detailOf(fields), phone: typeof fields.phone === "string" ? fields.phone : null, retryAt: retryAtOf(fields) }];
  });
}

function detailOf(fields: Record<string, unknown>): string | null {
  const pick = (value: unknown, ...keys: string[]): string | null => {
    if (typeof value !== "object" || value === null) return null;
    for (const key of keys) {
      const v = (value as Record<string, unknown>)[key];
      if (typeof v === "string" || typeof v === "number") return String(v);
    }
    return null;
  };
  if (typeof fields.errorCode === "string" || typeof fields.errorCode === "number") return String(fields.errorCode);
  const decided = pick(fields.decision, "reason", "action");
  const failed = pick(fields.failure, "reason", "code");
  // A run_decision line is a failed attempt's one line: what failed, then what was decided.
  if (decided !== null && failed !== null) return `${failed}/${decided}`;
  return decided ?? failed ?? (typeof fields.reason === "string" ? fields.reason : null);
}

function retryAtOf(fields: Record<string, unknown>): number | null {
  if (typeof fields.retryAt === "number") return fields.retryAt;
  const decision = fields.decision;
  if (typeof decision === "object" && decision !== null && typeof (decision as { at?: unknown }).at === "number") return (decision as { at: number }).at;
  return null;
}

/** `event` or `event:detail` → how many times. */
export function countEvents(events: readonly RelayEvent[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const e of events) {
    const key = e.detail === null ? e.event : `${e.event}:${e.detail}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
}
