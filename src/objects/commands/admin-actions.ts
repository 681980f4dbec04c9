// An admin's /users, /allow, /deny and /budget, carried out in the admin's PhoneAgent after the
// webhook has its answer: they call the UserDirectory and other users' PhoneAgents (each call
// bounded in time, its failure said in the reply), and return the one reply the admin reads.
import type { Config } from "../../config";
import {
  allowReply,
  budgetReply,
  budgetUnansweredReply,
  type BudgetChange,
  type ConfiguredIn,
  denyRefusal,
  DIRECTORY_UNREACHABLE,
  notAUserReply,
  type Revoked,
  revokedReply,
  type UserLine,
  type UserSource,
  type UserSummary,
  usersReport,
} from "../../core/admin-replies";
import type { AdminRequest } from "../../core/command-admin";
import { forgetAllowlistCopy } from "../../worker/allowlist";
import type { Log } from "../units/outbox";
import { type AllowlistEntry, directoryOf, type ListedAs } from "../user-directory";

/** A user's PhoneAgent as the admin's object reaches it: an RPC stub, or itself. */
export type UserAgent = {
  summary(): Promise<UserSummary> | UserSummary;
  revokeAccess(): Promise<Revoked>;
  restoreAccess(): Promise<{ wasRevoked: boolean }>;
  setDailyBudget(usd: number | null): Promise<BudgetChange>;
};

type DirectoryApi = {
  list(): Promise<AllowlistEntry[]>;
  allowedNumbers(): Promise<string[]>;
  allow(phone: string, by: string): Promise<ListedAs>;
  deny(phone: string, by: string): Promise<ListedAs>;
};

type AdminDeps = {
  admin: string;
  configured: Pick<Config, "allowedSenders" | "adminSenders">;
  directory: DirectoryApi;
  user: (phone: string) => UserAgent;
  /** This isolate's copy of the allowlist, stale once the directory changed from here. */
  forgetAllowlistCopy: () => void;
  log: Log;
};

/** Another object that has not answered after this long is reported as not answering. */
const CALL_TIMEOUT_MS = 10_000;

/** The deps of the admin whose object is `self` (it answers for itself without an RPC to itself). */
export function adminDeps(env: Env, config: Config | null, self: { phone: string; agent: UserAgent }, log: Log): AdminDeps {
  return {
    admin: self.phone,
    configured: config ?? { allowedSenders: new Set(), adminSenders: new Set() },
    directory: directoryOf(env),
    user: (phone) => (phone === self.phone ? self.agent : env.PHONE_AGENT.get(env.PHONE_AGENT.idFromName(phone))),
    forgetAllowlistCopy,
    log,
  };
}

export async function carryOut(d: AdminDeps, request: AdminRequest, now: number): Promise<string> {
  d.log("admin_command", { command: request.kind, ...(request.kind === "users" ? {} : { target: request.phone }) });
  switch (request.kind) {
    case "users":
      return listUsers(d, now);
    case "allow":
      return allow(d, request.phone);
    case "deny":
      return deny(d, request.phone);
    case "budget":
      return budget(d, request.phone, request.usd);
  }
}

function configuredAs(d: AdminDeps, phone: string): ConfiguredIn | null {
  return d.configured.adminSenders.has(phone) ? "ADMIN_SENDERS" : d.configured.allowedSenders.has(phone) ? "ALLOWED_SENDERS" : null;
}

async function listUsers(d: AdminDeps, now: number): Promise<string> {
  const listed = await attempt(() => d.directory.list(), d);
  const sources = new Map<string, UserSource[]>();
  const add = (phone: string, source: UserSource) => sources.set(phone, [...(sources.get(phone) ?? []), source]);
  for (const phone of d.configured.adminSenders) add(phone, "admin");
  for (const phone of d.configured.allowedSenders) add(phone, "config");
  for (const e of listed.ok ? listed.value : []) if (e.allowed) add(e.phone, "allowlist");
  const phones = [...sources.keys()].sort();
  const summaries = await Promise.all(phones.map((phone) => attempt(async () => d.user(phone).summary(), d)));
  const users: UserLine[] = phones.map((phone, i) => {
    const s = summaries[i]!;
    return { phone, sources: sources.get(phone)!, summary: s.ok ? s.value : null };
  });
  const denied = listed.ok ? listed.value.filter((e) => !e.allowed && !sources.has(e.phone)).map((e) => e.phone) : [];
  return usersReport(users, { denied, directoryAnswered: listed.ok, now });
}

async function allow(d: AdminDeps, phone: string): Promise<string> {
  const configured = configuredAs(d, phone);
  if (configured) return allowReply(phone, { kind: "configured", in: configured });
  const was = await attempt(() => d.directory.allow(phone, d.admin), d);
  if (!was.ok) return DIRECTORY_UNREACHABLE;
  d.forgetAllowlistCopy();
  if (was.value === "unlisted") return allowReply(phone, { kind: "added" });
  // Denied before (or an earlier /allow could not reach them): their object must read them again.
  const restored = await attempt(() => d.user(phone).restoreAccess(), d);
  if (!restored.ok) return allowReply(phone, { kind: "agent_silent" });
  return allowReply(phone, { kind: restored.value.wasRevoked ? "restored" : "already_listed" });
}

async function deny(d: AdminDeps, phone: string): Promise<string> {
  const configured = configuredAs(d, phone);
  if (configured) return denyRefusal(phone, { kind: "configured", in: configured });
  const was = await attempt(() => d.directory.deny(phone, d.admin), d);
  if (!was.ok) return DIRECTORY_UNREACHABLE;
  d.forgetAllowlistCopy();
  if (was.value === "unlisted") return denyRefusal(phone, { kind: "not_listed" });
  // Denied already too: revoking again is harmless, and finishes a removal that could not reach them.
  const revoked = await attempt(() => d.user(phone).revokeAccess(), d);
  if (!revoked.ok) return denyRefusal(phone, { kind: "agent_silent" });
  return revokedReply(phone, revoked.value);
}

async function budget(d: AdminDeps, phone: string, usd: number | null): Promise<string> {
  if (!configuredAs(d, phone)) {
    const allowed = await attempt(() => d.directory.allowedNumbers(), d);
    if (!allowed.ok) return DIRECTORY_UNREACHABLE;
    if (!allowed.value.includes(phone)) return notAUserReply(phone);
  }
  const changed = await attempt(() => d.user(phone).setDailyBudget(usd), d);
  if (!changed.ok) return budgetUnansweredReply(phone);
  return budgetReply(phone, changed.value);
}

/** An I/O edge as a typed result: a call that throws or does not answer in time is a failure. */
async function attempt<T>(call: () => Promise<T> | T, d: Pick<AdminDeps, "log">): Promise<{ ok: true; value: T } | { ok: false }> {
  let timer: ReturnType<typeof setTimeout> | null = null;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${CALL_TIMEOUT_MS} ms`)), CALL_TIMEOUT_MS);
    });
    return { ok: true, value: await Promise.race([Promise.resolve(call()), timeout]) };
  } catch (error) {
    d.log("admin_call_failed", { error: error instanceof Error ? error.message : String(error) });
    return { ok: false };
  } finally {
    if (timer !== null) clearTimeout(timer);
  }
}
