// How many pages may watch at once: at most `perLink` sockets opened by one link and `perUser` by
// all of a phone's links. A page that opens past a cap stays, and the oldest sockets close (a
// page left on a desk, or a socket the network dropped without a word, is the one that goes);
// each closed page is told why and does not reconnect by itself, so two pages never take turns.
// Pure: the object lists its sockets before it accepts a new one, and closes what this returns.

/** LIVE_PAGES_PER_LINK and LIVE_PAGES_PER_USER (config.ts; by default 5 and 20: a phone, a laptop, a few tabs). */
export type LiveCaps = { perLink: number; perUser: number };

/** Close codes the page's script reads (4000-4999: the application's own). */
export const LIVE_CROWDED = { link: 4008, user: 4009 } as const;

/** A socket the object holds: the link that opened it (null: opened before links were named) and when. */
export type HeldSocket<T> = { socket: T; link: string | null; openedAt: number };

/**
 * The sockets to close among `held` (the ones open) so that a page of link `link` can open within
 * `caps`: first the oldest of that link's beyond `perLink - 1`, then the oldest of all beyond
 * `perUser - 1`. Ties in `openedAt` close the one listed first.
 */
export function socketsToClose<T>(held: readonly HeldSocket<T>[], link: string, caps: LiveCaps): { socket: T; why: keyof typeof LIVE_CROWDED }[] {
  const newestFirst = held.map((h, i) => ({ ...h, i })).sort((a, b) => b.openedAt - a.openedAt || b.i - a.i);
  const closing = newestFirst.filter((h) => h.link === link).slice(caps.perLink - 1).map((h) => ({ socket: h.socket, why: "link" as const }));
  const closed = new Set(closing.map((c) => c.socket));
  const left = newestFirst.filter((h) => !closed.has(h.socket));
  return [...closing, ...left.slice(caps.perUser - 1).map((h) => ({ socket: h.socket, why: "user" as const }))];
}

/** What a page closed for room says (the close frame's reason: at most 123 bytes). */
export const crowdedReason = (why: keyof typeof LIVE_CROWDED, caps: LiveCaps) =>
  why === "link" ? `this link is open on more than ${caps.perLink} pages` : `your links are open on more than ${caps.perUser} pages`;
