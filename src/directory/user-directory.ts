// The relay's one directory of users: the runtime allowlist admins keep with /allow and /deny, on
// top of the configured users (never stored here); a user is listed by their name (a phone, or a
// channel's user name: user-names.ts), and a chat's object is homeOf(chat) (the home it was joined
// to with /link, else its own user's). One instance, addressed by DIRECTORY_NAME. The Worker reads
// allowedNumbers() through a cached copy. It also keeps the /link codes and links, and which user
// watches which GitHub repository (/github watch). A webhook or a trigger is never looked up
// here: the Worker checks it at the door and its URL names the object (triggers/door-keys.ts).
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
import { createHandoffCodesRepo, type HandoffCodesRepo } from "../handoff/handoff-codes-repo";
import { createRefusedChatsRepo, type RefusedChatsRepo } from "./refused-chats-repo";
import { userNameOf } from "../channels/user-names";
import { createTriggerDirectoryRepo, type TriggerDirectoryRepo } from "../triggers/trigger-directory-repo";
import { createGithubWatchesRepo, type GithubWatchesRepo } from "../github/github-watches-repo";
import { createLinksRepo, type LinkEntry, type LinksRepo } from "./links-repo";
import { createWebLinksRepo, type WebLinksRepo } from "../web/web-links-repo";
import { createMachineOwnersRepo, type MachineOwner, type MachineOwnersRepo } from "../machines/machine-owners-repo";
import { openStoredWebLink, type StoredWebLink, type WebLink } from "../web/web-token";

const DIRECTORY_NAME = "directory";

/** The one directory's stub. */
export function directoryOf(env: Env): DurableObjectStub<UserDirectory> {
  return env.USER_DIRECTORY.get(env.USER_DIRECTORY.idFromName(DIRECTORY_NAME));
}

export type { AllowlistEntry } from "./allowlist-repo";
export type { LinkEntry } from "./links-repo";
export type { MachineOwner } from "../machines/machine-owners-repo";
/** What a number was before a change: never listed, allowed, or denied. */
export type ListedAs = "unlisted" | "allowed" | "denied";

export class UserDirectory extends DurableObject<Env> {
  private readonly allowlist: AllowlistRepo;
  private readonly refusals: RefusedChatsRepo;
  private readonly triggers: TriggerDirectoryRepo;
  private readonly links: LinksRepo;
  private readonly clock: Clock = systemClock;
  private readonly watches: GithubWatchesRepo;
  private readonly webLinks: WebLinksRepo;
  private readonly machineOwners: MachineOwnersRepo;
  private readonly handoffCodes: HandoffCodesRepo;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    const sql = createSql(ctx.storage);
    this.allowlist = createAllowlistRepo(sql);
    this.refusals = createRefusedChatsRepo(sql);
    this.triggers = createTriggerDirectoryRepo(sql);
    this.watches = createGithubWatchesRepo(sql);
    this.links = createLinksRepo(sql);
    this.webLinks = createWebLinksRepo(sql);
    this.machineOwners = createMachineOwnersRepo(sql);
    this.handoffCodes = createHandoffCodesRepo(sql);
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
   * Forgets trigger `id` of `home`, made before doors (its token's hash was kept here; such a
   * trigger's URL no longer opens); whether it was there. Triggers made since are not listed here.
   */
  removeTrigger(id: string, home: string): boolean {
    const removed = this.triggers.remove(id, home);
    if (removed) logEvent("trigger_removed", { object: "UserDirectory", id, home });
    return removed;
  }

  /**
   * `home` (a user's object) watches `repo`: a fresh watch id, the id of its webhook's door (a repeat
   * by the same user replaces it, and the old door stays shut). Refused when another user watches
   * it: one home per repository. The secret is derived from the id by the caller, never kept here.
   */
  watchGithub(repo: string, home: string): { outcome: "watching"; watchId: string; renewed: boolean } | { outcome: "taken" } {
    const held = this.watches.get(repo);
    if (held && held.home !== home) return { outcome: "taken" };
    const watchId = randomHex(16);
    this.watches.set(repo, home, watchId, this.clock());
    logEvent("github_watch", { object: "UserDirectory", repo: repo.toLowerCase(), home, renewed: held !== null });
    return { outcome: "watching", watchId, renewed: held !== null };
  }

  /** Ends `home`'s watch of `repo`; false when it had none. */
  unwatchGithub(repo: string, home: string): boolean {
    const removed = this.watches.remove(repo, home);
    if (removed) logEvent("github_unwatch", { object: "UserDirectory", repo: repo.toLowerCase(), home });
    return removed;
  }

  /** The repositories `home` watches; `door: false` for a watch made before doors, whose webhook no longer opens. */
  githubWatchesOf(home: string): { repo: string; door: boolean }[] {
    return this.watches.of(home).map((w) => ({ repo: w.repo, door: w.watchId !== null }));
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

  /** Stores a short page link under its token's digest (web/web-token.ts). */
  storeWebLink(digest: string, link: StoredWebLink): void {
    this.webLinks.add(digest, link, this.clock());
  }

  /** What the link stored under `digest` opens now, or null (none, or expired). The object still checks its epoch. */
  webLink(digest: string): WebLink | null {
    return openStoredWebLink(this.webLinks.get(digest), this.clock());
  }

  /** A /handoff code's owner (the PhoneAgent's id), under the code's HMAC, until `expiresAt`. */
  storeHandoffCode(digest: string, object: string, expiresAt: number): void {
    this.handoffCodes.add(digest, object, expiresAt, this.clock());
  }

  /** The object a /handoff code belongs to, or null; that object decides whether it still works. */
  handoffCodeOwner(digest: string): string | null {
    return this.handoffCodes.objectOf(digest);
  }

  /** VM_MODE=machines: `owner`'s object is about to make its Machine and volume under these names. */
  recordMachineOwner(owner: MachineOwner): void {
    if (this.machineOwners.record(owner, this.clock())) logEvent("machine_owner_recorded", { object: "UserDirectory", user: owner.user, machineName: owner.machineName });
  }

  /** Every Machine and volume name a user's object ever claimed: what /vm sweep spares. */
  listMachineOwners(): MachineOwner[] {
    return this.machineOwners.list();
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

/** `bytes` random bytes in hex. */
function randomHex(bytes: number): string {
  return [...crypto.getRandomValues(new Uint8Array(bytes))].map((b) => b.toString(16).padStart(2, "0")).join("");
}
