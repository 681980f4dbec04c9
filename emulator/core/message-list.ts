// Twilio's Messages list (GET …/Messages.json) over the emulator's records, pure: the documented
// filters (To, From, DateSent, DateSent<, DateSent>), newest first, in pages of PageSize (default
// 50, at most 1000) chained by next_page_uri. DateSent filters on `date_sent`, which is null until
// a message leaves the queue, so a message still accepted or queued matches no DateSent filter.
import { z } from "zod";
import { dateSentOf, type OutboundMessage, toMessageResource } from "./message-resource";
import { phoneOf } from "./phone";

const DEFAULT_PAGE_SIZE = 50;
const MAX_PAGE_SIZE = 1000;

/**
 * A DateSent value: a GMT day (`YYYY-MM-DD`, as Twilio documents it) or a GMT instant
 * (`YYYY-MM-DDThh:mm:ssZ`, as its libraries send it).
 */
const DateSchema = z.string().regex(/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}Z)?$/);

export const ListQuerySchema = z.object({
  To: z.string().optional(),
  From: z.string().optional(),
  DateSent: DateSchema.optional(),
  "DateSent<": DateSchema.optional(),
  "DateSent>": DateSchema.optional(),
  PageSize: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).optional(),
  Page: z.coerce.number().int().min(0).optional(),
  /** `PA` and the sid of the last message of the page before. */
  PageToken: z.string().regex(/^PA(SM|MM)[0-9a-f]{32}$/i).optional(),
});
export type ListQuery = z.infer<typeof ListQuerySchema>;

const DAY_MS = 86_400_000;
const instant = (value: string): number => Date.parse(value.length === 10 ? `${value}T00:00:00Z` : value);

/**
 * Whether a message's date_sent passes the DateSent filters: a day means that whole GMT day
 * (`DateSent>` on or after its midnight, `DateSent<` on or before its end); an instant, that instant.
 */
function sentMatches(sentAt: number | null, q: ListQuery): boolean {
  if (q.DateSent === undefined && q["DateSent<"] === undefined && q["DateSent>"] === undefined) return true;
  if (sentAt === null) return false;
  if (q.DateSent !== undefined) {
    const from = instant(q.DateSent);
    const to = q.DateSent.length === 10 ? from + DAY_MS : from + 1000;
    if (sentAt < from || sentAt >= to) return false;
  }
  if (q["DateSent>"] !== undefined && sentAt < instant(q["DateSent>"])) return false;
  if (q["DateSent<"] !== undefined) {
    const before = q["DateSent<"];
    if (sentAt >= instant(before) + (before.length === 10 ? DAY_MS : 1000)) return false;
  }
  return true;
}

const sameAddress = (a: string, b: string): boolean => a === b || phoneOf(a) === phoneOf(b);

/** One page of the list at `path` (the list's own path, for the page's links). */
export function listMessages(all: readonly OutboundMessage[], q: ListQuery, path: string) {
  const pageSize = q.PageSize ?? DEFAULT_PAGE_SIZE;
  const matching = all
    .filter((m) => (q.To === undefined || sameAddress(m.to, q.To)) && (q.From === undefined || sameAddress(m.from, q.From)) && sentMatches(dateSentOf(m), q))
    // Newest first; the same millisecond in the order they were made.
    .map((m, i) => ({ m, i }))
    .sort((a, b) => b.m.createdAt - a.m.createdAt || b.i - a.i)
    .map(({ m }) => m);
  const after = q.PageToken ? matching.findIndex((m) => m.sid === q.PageToken!.slice(2)) + 1 : (q.Page ?? 0) * pageSize;
  const page = q.Page ?? 0;
  const messages = matching.slice(after, after + pageSize);
  const filters = new URLSearchParams();
  for (const key of ["To", "From", "DateSent", "DateSent<", "DateSent>"] as const) if (q[key] !== undefined) filters.set(key, q[key]);
  filters.set("PageSize", String(pageSize));
  const uriOf = (extra: Record<string, string>) => `${path}?${new URLSearchParams([...filters, ...Object.entries(extra)])}`;
  const last = messages.at(-1);
  const hasMore = after + pageSize < matching.length;
  return {
    messages: messages.map(toMessageResource),
    start: after,
    end: after + Math.max(messages.length - 1, 0),
    page,
    page_size: pageSize,
    uri: uriOf({ Page: String(page) }),
    first_page_uri: uriOf({ Page: "0" }),
    next_page_uri: hasMore && last ? uriOf({ Page: String(page + 1), PageToken: `PA${last.sid}` }) : null,
    previous_page_uri: page > 0 ? uriOf({ Page: String(page - 1) }) : null,
  };
}
