// An admin's /users, /allow, /deny and /budget, carried out in the admin's PhoneAgent after the
// webhook has its answer: they call the UserDirectory and other users' PhoneAgents (each call
// bounded in time, its failure said in the reply), and return the one reply the admin reads.
import type { Config } from "../config/config";
import {
  allowReply,
  budgetReply,
  budgetUnansweredReply,
  type BudgetChange,
  denyRefusal,
  DIRECTORY_UNREACHABLE,
  notAUserReply,
  type Revoked,
  revokedReply,
  type UserLine,
  type UserSource,
  type UserSummary,
  usersReport,
} from "./admin-replies";
import type { AdminRequest } from "./command-admin";
import { findOrphans, type FlyListing, type MachineUserLine, machinesReport, ownedBy, sweepReport } from "../machines/machine-report";
import { flyResourceNames } from "../machines/fly-identity";
import { flyRetryDelayMs } from "../machines/fly-retry";
import { createFlyMachinesClient, type FlyMachinesClient, type FlyResult } from "../machines/fly-machines";
import { forgetAllowlistCopy } from "../directory/allowlist-copy";
import { boundedCall } from "../shared/bounded-call";
import type { Log } from "../shared/log";
import { configuredIn, configuredListsFor, configuredUserNames } from "../channels/admin-names";
import type { ChatAddress } from "../channels/channel";
import { homeChatOf } from "../channels/home-chat";
import { type ConfiguredUsers, userNameOf } from "../channels/user-names";
import { type AllowlistEntry, directoryOf, type LinkEntry, type ListedAs } from "../directory/user-directory";
import type { MachineOwner } from "../machines/machine-owners-repo";

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
  homeOf(chat: ChatAddress): Promise<string>;
  listLinks(): Promise<LinkEntry[]>;
  listMachineOwners(): Promise<MachineOwner[]>;
};

type AdminDeps = {
  admin: string;
  configured: ConfiguredUsers;
  directory: DirectoryApi;
  user: (phone: string) => UserAgent;
  /** This isolate's copy of the allowlist, stale once the directory changed from here. */
  forgetAllowlistCopy: () => void;
  /** VM_MODE=machines: the Machines API of the app holding the users' Machines, and the key their names derive from. */
  fly: { client: FlyMachinesClient; app: string; namingKey: string } | null;
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
    fly: config?.machines ? { client: createFlyMachinesClient(config.machines.api), app: config.machines.api.app, namingKey: config.machines.relayVmToken } : null,
    log,
  };
}

export async function carryOut(d: AdminDeps, request: AdminRequest, now: number): Promise<string> {
  d.log("admin_command", { command: request.kind, ...("phone" in request ? { target: request.phone } : {}) });
  switch (request.kind) {
    case "users":
      return listUsers(d, now);
    case "allow":
      return allow(d, request.phone);
    case "deny":
      return deny(d, request.phone);
    case "budget":
      return budget(d, request.phone, request.usd);
    case "machines":
      return listMachines(d, now);
    case "sweep":
      return sweep(d);
  }
}

/** The object of a user: a phone's own, or the one the directory names for the chat of a user with no phone (it may be linked). */
async function agentOf(d: AdminDeps, name: string): Promise<UserAgent> {
  const { channel, chat } = homeChatOf(name);
  return d.user(chat === null ? name : await d.directory.homeOf({ channel, chat }));
}

/** Every linked chat, with the phone's object it reaches: the one place /users and /vm read the links. */
async function linkedChats(d: AdminDeps): Promise<{ ok: true; value: { home: string; chat: ChatAddress }[] } | { ok: false }> {
  const links = await attempt(() => d.directory.listLinks(), d);
  return links.ok ? { ok: true, value: links.value.map((l) => ({ home: l.home, chat: l.chat })) } : links;
}

/** Every user: the configured numbers and the directory's (the dashboard lists them as /users does). */
export async function allUsers(d: AdminDeps) {
  const listed = await attempt(() => d.directory.list(), d);
  const sources = new Map<string, UserSource[]>();
  const add = (phone: string, source: UserSource) => sources.set(phone, [...(sources.get(phone) ?? []), source]);
  for (const { name, admin } of configuredUserNames(d.configured)) add(name, admin ? "admin" : "config");
  for (const e of listed.ok ? listed.value : []) if (e.allowed) add(e.phone, "allowlist");
  return { listed, sources };
}

/** Each user's doors: a number with the chat linked to it, and users without a phone who have an agent of their own. */
async function listUsers(d: AdminDeps, now: number): Promise<string> {
  const [{ listed, sources }, links] = await Promise.all([allUsers(d), linkedChats(d)]);
  const linked = new Map((links.ok ? links.value : []).map((l) => [l.home, l.chat]));
  // A linked chat is a door of the phone's agent, not a user of its own.
  for (const chat of linked.values()) sources.delete(userNameOf(chat));
  const phones = [...sources.keys()].sort();
  const summaries = await Promise.all(phones.map((phone) => attempt(async () => d.user(phone).summary(), d)));
  const users: UserLine[] = phones.map((phone, i) => {
    const s = summaries[i]!;
    return { phone, sources: sources.get(phone)!, summary: s.ok ? s.value : null, linked: linked.get(phone) ?? null };
  });
  const denied = listed.ok ? listed.value.filter((e) => !e.allowed && !sources.has(e.phone)).map((e) => e.phone) : [];
  return usersReport(users, { denied, directoryAnswered: listed.ok, now });
}

type Fly = NonNullable<AdminDeps["fly"]>;

/**
 * What FLY_APP holds that no user owns, or null when the API or the directory did not answer.
 * Ownership is the directory's (each object records its names there before making anything), so
 * no user's object is asked: a busy or cold one cannot hold a sweep up. The app is listed first:
 * whatever it shows was recorded before, so the owners read after it know it.
 */
async function orphansOf(d: AdminDeps, fly: Fly): Promise<FlyListing | null> {
  const [machines, volumes] = await Promise.all([listPatiently(d, () => fly.client.listMachines()), listPatiently(d, () => fly.client.listVolumes())]);
  if (!machines.ok || !volumes.ok) {
    d.log("admin_fly_list_failed", { machines: machines.ok ? "ok" : machines.failure, volumes: volumes.ok ? "ok" : volumes.failure });
    return null;
  }
  const [owners, known] = await Promise.all([attempt(() => d.directory.listMachineOwners(), d), knownUsers(d)]);
  if (!owners.ok || !known) return null;
  // A row made before the directory kept owners is recorded at its object's next use; until then its names are the derived ones.
  const derived = await Promise.all(known.map((user) => flyResourceNames(fly.namingKey, user)));
  const owned = ownedBy([...owners.value.map((o) => ({ machine: o.machineName, volume: o.volumeName })), ...derived]);
  const listing: FlyListing = {
    machines: machines.value.map((m) => ({ id: m.id, name: m.name, state: m.state, region: m.region })),
    volumes: volumes.value.map((v) => ({ id: v.id, name: v.name, state: v.state, region: v.region, sizeGb: v.size_gb })),
  };
  return findOrphans(listing, owned);
}

/**
 * A listing is one call per app, which Fly limits to 1/s with bursts of 3: `/vm` then `/vm sweep`, or
 * objects making Machines meanwhile, meet a 429. Waiting as Retry-After says, within the bound an
 * admin's call has, answers instead of "did not answer".
 */
async function listPatiently<T>(d: Pick<AdminDeps, "log">, call: () => Promise<FlyResult<T>>): Promise<FlyResult<T>> {
  const deadline = Date.now() + CALL_TIMEOUT_MS;
  for (let attempt = 1; ; attempt++) {
    const result = await call();
    if (result.ok || (result.failure !== "rate_limited" && result.failure !== "unavailable")) return result;
    const waitMs = flyRetryDelayMs(attempt, result.retryAfterMs, Math.random);
    if (Date.now() + waitMs > deadline) return result;
    d.log("fly_retry", { call: "admin_list", failure: result.failure, waitMs });
    await new Promise((resolve) => setTimeout(resolve, waitMs));
  }
}

/** Every user the relay knows (configured, listed, denied too, and linked chats' own objects); null when the directory did not answer. */
async function knownUsers(d: AdminDeps): Promise<string[] | null> {
  const [{ listed, sources }, links] = await Promise.all([allUsers(d), linkedChats(d)]);
  if (!listed.ok || !links.ok) return null;
  return [...new Set([...sources.keys(), ...listed.value.map((e) => e.phone), ...links.value.map((l) => userNameOf(l.chat))])];
}

/** /vm: each Machine's owner as their object knows it (only users who ever had one are asked), and what no user owns. */
async function listMachines(d: AdminDeps, now: number): Promise<string> {
  if (!d.fly) return "VM_MODE is shared: one agent VM serves every user.";
  const [orphans, owners] = await Promise.all([orphansOf(d, d.fly), attempt(() => d.directory.listMachineOwners(), d)]);
  const names = owners.ok ? [...new Set(owners.value.map((o) => o.user))].sort() : [];
  const summaries = await Promise.all(names.map((user) => attempt(async () => d.user(user).summary(), d)));
  const users: MachineUserLine[] = names.map((user, i) => {
    const s = summaries[i]!;
    return { phone: user, machine: s.ok ? (s.value.machine ?? null) : "no_answer", archive: s.ok ? (s.value.archive ?? null) : null };
  });
  return machinesReport({ users, orphans, app: d.fly.app, now });
}

/** /vm sweep: what no user owns now (read again, not what an earlier /vm showed) is destroyed. */
async function sweep(d: AdminDeps): Promise<string> {
  if (!d.fly) return "VM_MODE is shared: one agent VM serves every user.";
  const fly = d.fly;
  const orphans = await orphansOf(d, fly);
  if (!orphans) return "Not swept: the Machines API or the directory did not answer, so I can't tell what is owned.";
  const machines: string[] = [];
  const volumes: string[] = [];
  const failed: string[] = [];
  for (const m of orphans.machines) ((await fly.client.destroyMachine(m.id, { force: true })).ok ? machines : failed).push(m.id);
  // A volume goes only once no Machine holds it; one an orphan Machine held is free now.
  for (const v of orphans.volumes) ((await fly.client.deleteVolume(v.id)).ok ? volumes : failed).push(v.id);
  d.log("machines_swept", { machines, volumes, failed });
  return sweepReport({ machines, volumes, failed });
}

async function allow(d: AdminDeps, phone: string): Promise<string> {
  const configured = configuredIn(d.configured, phone);
  if (configured) return allowReply(phone, { kind: "configured", in: configured });
  const was = await attempt(() => d.directory.allow(phone, d.admin), d);
  if (!was.ok) return DIRECTORY_UNREACHABLE;
  d.forgetAllowlistCopy();
  if (was.value === "unlisted") return allowReply(phone, { kind: "added" });
  // Denied before (or an earlier /allow could not reach them): their object must read them again.
  const restored = await attempt(async () => (await agentOf(d, phone)).restoreAccess(), d);
  if (!restored.ok) return allowReply(phone, { kind: "agent_silent" });
  return allowReply(phone, { kind: restored.value.wasRevoked ? "restored" : "already_listed" });
}

async function deny(d: AdminDeps, phone: string): Promise<string> {
  const configured = configuredIn(d.configured, phone);
  if (configured) return denyRefusal(phone, { kind: "configured", in: configured });
  const was = await attempt(() => d.directory.deny(phone, d.admin), d);
  if (!was.ok) return DIRECTORY_UNREACHABLE;
  d.forgetAllowlistCopy();
  if (was.value === "unlisted") return denyRefusal(phone, { kind: "not_listed" });
  // Denied already too: revoking again is harmless, and finishes a removal that could not reach them.
  const revoked = await attempt(async () => (await agentOf(d, phone)).revokeAccess(), d);
  if (!revoked.ok) return denyRefusal(phone, { kind: "agent_silent" });
  return revokedReply(phone, revoked.value);
}

async function budget(d: AdminDeps, phone: string, usd: number | null): Promise<string> {
  if (!configuredIn(d.configured, phone)) {
    const allowed = await attempt(() => d.directory.allowedNumbers(), d);
    if (!allowed.ok) return DIRECTORY_UNREACHABLE;
    if (!allowed.value.includes(phone)) return notAUserReply(phone, configuredListsFor(phone));
  }
  const changed = await attempt(async () => (await agentOf(d, phone)).setDailyBudget(usd), d);
  if (!changed.ok) return budgetUnansweredReply(phone);
  return budgetReply(phone, changed.value);
}

/** An I/O edge as a typed result: a call that throws or does not answer in time is a failure. */
async function attempt<T>(call: () => Promise<T> | T, d: Pick<AdminDeps, "log">): Promise<{ ok: true; value: T } | { ok: false }> {
  const answered = await boundedCall(call, CALL_TIMEOUT_MS);
  if (!answered.ok) d.log("admin_call_failed", { error: answered.error });
  return answered.ok ? answered : { ok: false };
}
