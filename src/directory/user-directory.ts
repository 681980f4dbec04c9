// The relay's one directory of users: the runtime allowlist admins keep with /allow and /deny, on
// top of the configured users (never stored here); a user is listed by their name (a phone, or a
// channel's user name: user-names.ts), and a chat's object is homeOf(chat) (the home it was joined
// to with /link, else its own user's). One instance, addressed by DIRECTORY_NAME. The Worker reads
// allowedNumbers() through a cached copy. It also keeps the /link codes and links. Other
// capabilities keep rows here too (which user watches which GitHub repository, page links, …): each
// declares its table group (directory-tables.ts), and the object is composed with them at the top
// (userDirectoryWith, in index.ts). A webhook or a trigger is never looked up here: the Worker
// checks it at the door and its URL names the object (triggers/door-keys.ts).
import { DurableObject } from "cloudflare:workers";
import type { ChatAddress } from "../channels/channel";
import { type LinkCode, newLinkCode } from "../channels/link-code";
import { alreadyLinked, answerLinkRequest, decideLink, type DoorLink, type LinkAnswer, type LinkRefusal, type LinkRequest, openLinkRequest } from "./link-doors";
import { type Clock, systemClock } from "../shared/clock";
import { logEvent } from "../shared/log";
import { type AllowlistEntry, type AllowlistRepo, createAllowlistRepo } from "./allowlist-repo";
import { DIRECTORY_MIGRATIONS } from "./directory-migrations";
import { migrate } from "../shared/migrate";
import { createSql } from "../shared/sql";
import { createRefusedChatsRepo, type RefusedChatsRepo } from "./refused-chats-repo";
import { userNameOf } from "../channels/user-names";
import { createLinksRepo, type LinkEntry, type LinksRepo } from "./links-repo";
import type { DirectoryDb, DirectoryTables, ServedByAll } from "./directory-tables";

const DIRECTORY_NAME = "directory";

/** The one directory's stub, typed by the binding (env.d.ts): the object as composed at the top. */
export function directoryOf(env: Env) {
  return env.USER_DIRECTORY.get(env.USER_DIRECTORY.idFromName(DIRECTORY_NAME));
}

export type { AllowlistEntry } from "./allowlist-repo";
export type { LinkEntry } from "./links-repo";
/** What a number was before a change: never listed, allowed, or denied. */
export type ListedAs = "unlisted" | "allowed" | "denied";

/** The directory's own part: the allowlist, strangers refused, links between chats; and the database other groups' rows share. */
export class UserDirectoryCore extends DurableObject<Env> {
  private readonly allowlist: AllowlistRepo;
  private readonly refusals: RefusedChatsRepo;
  private readonly links: LinksRepo;
  private readonly clock: Clock = systemClock;
  /** What the table groups of other capabilities are opened on. */
  protected readonly db: DirectoryDb;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    const sql = createSql(ctx.storage);
    this.db = { sql, clock: this.clock };
    this.allowlist = createAllowlistRepo(sql);
    this.refusals = createRefusedChatsRepo(sql);
    this.links = createLinksRepo(sql);
    void ctx.blockConcurrencyWhile(async () => {
      const applied = migrate(ctx.storage, this.clock(), DIRECTORY_MIGRATIONS);
      if (applied.length > 0) logEvent("migrated", { object: "UserDirectory", applied });
    });
  }
  /** The numbers allowed now: the Worker's allowlist check caches this. */
  allowedNumbers(): string[] {
    return this.allowlist.allowedNumbers();
  }

  /** Every number admins have allowed or denied, with who changed it last and when. */
  list(): AllowlistEntry[] {
    return this.allowlist.list();
  }

  /** Allows `phone` (an admin's /allow); says what it was before. */
  allow(phone: string, by: string): ListedAs {
    return this.change(phone, true, by, this.clock());
  }

  /** Denies `phone` again (an admin's /deny); a number never allowed stays unlisted. */
  deny(phone: string, by: string): ListedAs {
    const was = this.listedAs(phone);
    if (was !== "unlisted") this.change(phone, false, by, this.clock());
    return was;
  }

  /** A stranger wrote from `door`: true only the first time, when they are told the bot is not theirs. */
  firstRefusal(door: ChatAddress): boolean {
    return this.refusals.firstRefusal(door, this.clock());
  }

  /**
   * The object a chat's messages go to: the one it was joined to with /link, else its own user's.
   * Read on every message: a link or an unlink holds from the next one (nothing caches it).
   */
  homeOf(door: ChatAddress): string {
    return this.links.homeOf(door) ?? userNameOf(door);
  }

  /** /link: a new code for the chat `from`, which landed in the object `home`; null when that chat has its second door already. */
  issueLinkCode(home: string, from: ChatAddress): LinkCode | null {
    const now = this.clock();
    if (alreadyLinked(from, home, this.links)) return null;
    const random = (count: number) => crypto.getRandomValues(new Uint8Array(count));
    // A clash with a live code is one in hundreds of millions: draw again rather than hand out someone else's.
    for (let draw = 0; draw < 5; draw++) {
      const code = newLinkCode(random, from, now);
      if (this.links.addCode({ ...code, home }, now)) return code;
    }
    throw new Error("five link codes in a row were taken: the random source is broken");
  }

  /**
   * /link CODE: opens a request to join the two chats (decideLink says which joins which), which
   * both are then asked to confirm; or says why not (nothing changes then). The code is used up.
   */
  redeemLinkCode(code: string, from: ChatAddress, fromHome: string): { ok: true; request: LinkRequest } | { ok: false; reason: LinkRefusal } {
    const now = this.clock();
    return this.ctx.storage.transactionSync(() => {
      const found = this.links.code(code);
      const decision = decideLink(found, from, fromHome, this.links, now);
      if (!decision.ok) return decision;
      const request = openLinkRequest(found!, { chat: from, home: fromHome }, decision.link, now);
      this.links.openRequest(request, now);
      this.links.deleteCode(code);
      logEvent("link_requested", { object: "UserDirectory", home: decision.link.home, channel: decision.link.chat.channel, chat: decision.link.chat.chat });
      return { ok: true, request };
    });
  }

  /** /link yes or /link no from `from`: its request confirmed on that side, refused, or, once both said yes, the link made. */
  answerLink(from: ChatAddress, yes: boolean): LinkAnswer {
    const now = this.clock();
    return this.ctx.storage.transactionSync(() => {
      const answer = answerLinkRequest(this.links.requestOf(from), from, yes, this.links, now);
      if (answer.store === "keep") return answer;
      if (answer.store === "update") this.links.confirmRequest(answer.request);
      else this.links.deleteRequest(answer.request.code);
      if (answer.outcome === "linked") {
        this.links.add(answer.request.link, now);
        const { link } = answer.request;
        logEvent("doors_linked", { object: "UserDirectory", home: link.home, channel: link.chat.channel, chat: link.chat.chat });
      } else {
        logEvent("link_answered", { object: "UserDirectory", outcome: answer.outcome, by: answer.by });
      }
      return answer;
    });
  }

  /** /unlink from either side: the link of the linked chat `from`, or of `home` from its own chat; null when there was none. */
  unlink(home: string, from: ChatAddress): DoorLink | null {
    const removed = this.links.remove(home, from);
    if (removed) logEvent("doors_unlinked", { object: "UserDirectory", home: removed.home, channel: removed.chat.channel, chat: removed.chat.chat });
    return removed;
  }

  /** Every link, for /users. */
  listLinks(): LinkEntry[] {
    return this.links.list();
  }

  private change(phone: string, allowed: boolean, by: string, now: number): ListedAs {
    const was = this.listedAs(phone);
    if (was === (allowed ? "allowed" : "denied")) return was;
    this.allowlist.set(phone, allowed, by, now);
    logEvent("allowlist_changed", { object: "UserDirectory", phone, allowed, by });
    return was;
  }

  private listedAs(phone: string): ListedAs {
    const entry = this.allowlist.get(phone);
    return !entry ? "unlisted" : entry.allowed ? "allowed" : "denied";
  }
}

/**
 * The UserDirectory as deployed: its own part with the table groups other capabilities declare
 * (a name each, for reading). Each group's RPCs become methods on the class's prototype, where
 * Workers RPC finds them; a name served twice is a mistake of the declarations, and throws here.
 */
export function userDirectoryWith<G extends Record<string, DirectoryTables>>(groups: G): new (ctx: DurableObjectState, env: Env) => UserDirectoryCore & ServedByAll<G> {
  class UserDirectory extends UserDirectoryCore {
    readonly opened: ReadonlyMap<DirectoryTables, unknown>;
    constructor(ctx: DurableObjectState, env: Env) {
      super(ctx, env);
      this.opened = new Map(Object.values(groups).map((group) => [group, group.open(this.db)]));
    }
  }
  for (const [groupName, group] of Object.entries(groups)) {
    for (const [name, rpc] of Object.entries(group.rpcs)) {
      if (name in UserDirectory.prototype) throw new Error(`directory table group ${groupName}: ${name} is served already`);
      const serve = rpc as (opened: unknown, ...args: unknown[]) => unknown;
      Object.defineProperty(UserDirectory.prototype, name, {
        value: function (this: UserDirectory, ...args: unknown[]) {
          return serve(this.opened.get(group), ...args);
        },
        writable: true,
        configurable: true,
      });
    }
  }
  return UserDirectory as unknown as new (ctx: DurableObjectState, env: Env) => UserDirectoryCore & ServedByAll<G>;
}
