// Which object a chat's messages go to (the directory's homeOf), remembered per Worker isolate so
// that a busy chat does not ask the one directory object on every update. Only the common answer
// is kept: "no link, the chat's own user's object". A linked chat's home is asked every time.
//
// Why a stale entry never sends a message to another user: an entry only ever says "the chat's
// own user", so the worst a stale one does is what it did before a /link: the message goes to the
// chat's own user's object (that same person's own agent) for at most `ttlMs`. A link's home is
// never cached, so an /unlink (or a link to another home) holds from the next message, as before.
// This isolate also drops a chat's entry when that chat sends /link or /unlink itself, and keeps
// no answer read for such a message: it is read before the message itself joins or parts the
// doors, so the one who just linked is not kept on the old door here. Pure but for the map it is given.
import type { ChatAddress } from "./channel";
import { userNameOf } from "./user-names";

/** Chats known unlinked, by `channel:chat`, with when the directory said so. */
export type HomeCache = Map<string, number>;

/** Enough for every active chat of an isolate; past it the map starts over (one directory call each). */
export const HOME_CACHE_MAX = 10_000;

const keyOf = (chat: ChatAddress) => `${chat.channel}:${chat.chat}`;

/**
 * The object `chat` reaches: its own user's when a fresh entry says it is unlinked, else what `ask`
 * (the directory) says. `changing`: the message may change the chat's home (/link, /unlink): the
 * directory is asked, and its answer, about to be outdated by this very message, is not kept.
 */
export async function homeOfChat(cache: HomeCache, chat: ChatAddress, ask: () => Promise<string>, o: { now: number; ttlMs: number; changing?: boolean }): Promise<string> {
  const own = userNameOf(chat);
  const key = keyOf(chat);
  if (o.changing) {
    cache.delete(key);
    return ask();
  }
  const at = cache.get(key);
  // A clock that went backwards makes the entry's age unknown: ask.
  if (at !== undefined && o.now >= at && o.now - at < o.ttlMs) return own;
  const home = await ask();
  if (home !== own || o.ttlMs <= 0) {
    cache.delete(key);
    return home;
  }
  if (cache.size >= HOME_CACHE_MAX && !cache.has(key)) cache.clear();
  cache.set(key, o.now);
  return home;
}

/** Whether a message's text is /link or /unlink (any arguments): the chat's home may change. */
export function changesHome(text: string): boolean {
  return /^\s*\/(?:link|unlink)(?:@\w+)?(?:\s|$)/i.test(text);
}
