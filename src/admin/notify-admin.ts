// Tells the first configured admin, in their own chat, what a user's object noticed (a chat that
// stopped taking messages): one call to the admin's object, which queues the notice once by its
// key and sends it through its own outbox. Bounded in time; a failure is logged, never retried.
import type { AdminNotice } from "./admin-notice";
import { type AdminToTell, adminToTell } from "../channels/admin-names";
import type { Log } from "../shared/log";
import type { ChatAddress } from "../channels/channel";
import type { ConfiguredAdmins } from "../channels/user-names";
import { directoryOf } from "../directory/user-directory";
import { boundedCall } from "../shared/bounded-call";

/** An admin's object as another object reaches it: an RPC stub, or this object itself. */
export type AdminAgent = { queueAdminNotice(notice: AdminNotice): Promise<{ queued: boolean }> };

export type AdminNoticeDeps = {
  configured: ConfiguredAdmins | null;
  /** The object by its name: an admin's own, or the one their chat reaches. */
  agent: (name: string) => AdminAgent;
  /** The object a chat reaches (the directory's answer). */
  homeOf: (chat: ChatAddress) => Promise<string>;
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
    const home = admin.kind === "user" ? admin.user : await d.homeOf(admin.chat);
    return d.agent(home).queueAdminNotice(told);
  }, timeoutMs);
  if (answered.ok) d.log("admin_notice_queued", { key: told.key, queued: answered.value.queued, admin: admin.kind === "chat" ? admin.chat.channel : "phone" });
  else d.log("admin_notice_unsent", { key: told.key, reason: "unanswered", error: answered.error });
}

/** The deps of object `self` (it queues a notice for itself without an RPC to itself). */
export function adminNoticeDepsFor(env: Env, configured: AdminNoticeDeps["configured"], self: { name: string; agent: AdminAgent }, log: Log): AdminNoticeDeps {
  return {
    configured,
    agent: (name) => (name === self.name ? self.agent : env.PHONE_AGENT.get(env.PHONE_AGENT.idFromName(name))),
    homeOf: (chat) => directoryOf(env).homeOf(chat),
    log,
  };
}
