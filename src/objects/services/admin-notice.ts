// Tells the first configured admin, in their own chat, what a user's object noticed (a chat that
// stopped taking messages): one call to the admin's object, which queues the notice once by its
// key and sends it through its own outbox. Bounded in time; a failure is logged, never retried.
import { type AdminNotice, type AdminToTell, adminToTell } from "../../core/admin-notice";
import type { Log } from "../../core/log";
import type { ConfiguredUsers } from "../../channels/user-names";
import { directoryOf } from "../user-directory";
import { boundedCall } from "./bounded-call";

/** An admin's object as another object reaches it: an RPC stub, or this object itself. */
export type AdminAgent = { queueAdminNotice(notice: AdminNotice): Promise<{ queued: boolean }> };

export type AdminNoticeDeps = {
  configured: Pick<ConfiguredUsers, "adminSenders" | "adminTelegramUsers"> | null;
  /** The object (by name) of a phone, or of the home a Telegram user's chat reaches. */
  agent: (name: string) => AdminAgent;
  homeOfTelegramUser: (userId: string) => Promise<string>;
  log: Log;
  timeoutMs?: number;
};

/** An admin's object that has not answered after this long is logged as not answering. */
const CALL_TIMEOUT_MS = 10_000;

/** One attempt: the admin's object found and asked to queue `notice(admin)`; whatever fails is logged. */
export async function tellAdmin(d: AdminNoticeDeps, notice: (admin: AdminToTell) => AdminNotice): Promise<void> {
  const admin = adminToTell(d.configured);
  if (!admin) {
    d.log("admin_notice_unsent", { reason: "no_admin" });
    return;
  }
  const timeoutMs = d.timeoutMs ?? CALL_TIMEOUT_MS;
  const told = notice(admin);
  const answered = await boundedCall(async () => {
    const home = admin.kind === "phone" ? admin.phone : await d.homeOfTelegramUser(admin.userId);
    return d.agent(home).queueAdminNotice(told);
  }, timeoutMs);
  if (answered.ok) d.log("admin_notice_queued", { key: told.key, queued: answered.value.queued, admin: admin.kind });
  else d.log("admin_notice_unsent", { key: told.key, reason: "unanswered", error: answered.error });
}

/** The deps of object `self` (it queues a notice for itself without an RPC to itself). */
export function adminNoticeDepsFor(env: Env, configured: AdminNoticeDeps["configured"], self: { name: string; agent: AdminAgent }, log: Log): AdminNoticeDeps {
  return {
    configured,
    agent: (name) => (name === self.name ? self.agent : env.PHONE_AGENT.get(env.PHONE_AGENT.idFromName(name))),
    homeOfTelegramUser: (userId) => directoryOf(env).homeOfTelegramUser(userId),
    log,
  };
}
