// What admins read from /allow, /deny and /budget when the user's object is not reached, and the
// refusals a non-admin gets (the replies of src/admin/admin-replies.ts not covered beside it).
import { describe, expect, it } from "vitest";
import {
  ACCESS_RESTORED_NOTICE,
  ADMINS_ONLY_VM,
  type AllowOutcome,
  allowReply,
  budgetUnansweredReply,
  type DenyRefusal,
  denyRefusal,
  DIRECTORY_UNREACHABLE,
  notAUserReply,
  permissionDenied,
} from "../../../src/admin/admin-replies";

const PHONE = "+15550001905";

describe("allowReply", () => {
  it.each<[AllowOutcome, string]>([
    [{ kind: "configured", in: "ADMIN_SENDERS" }, "+15550001905 is already allowed by ADMIN_SENDERS (the operator's configuration); nothing changed."],
    [{ kind: "configured", in: "ALLOWED_SENDERS" }, "+15550001905 is already allowed by ALLOWED_SENDERS (the operator's configuration); nothing changed."],
    [{ kind: "added" }, "Allowed +15550001905: they can write to the agent now."],
    [{ kind: "agent_silent" }, "Allowed +15550001905, but their agent did not answer, so it may still ignore them: send /allow +15550001905 again."],
    [{ kind: "restored" }, "Allowed +15550001905 again; they were told."],
    [{ kind: "already_listed" }, "+15550001905 is already on the allowlist; nothing changed."],
  ])("%j", (outcome, expected) => {
    expect(allowReply(PHONE, outcome)).toBe(expected);
  });
});

describe("denyRefusal", () => {
  it.each<[DenyRefusal, string]>([
    [{ kind: "configured", in: "ALLOWED_SENDERS" }, "+15550001905 is in ALLOWED_SENDERS, the operator's configuration: /deny can't remove it (only a change of that setting can). Nothing changed."],
    [{ kind: "not_listed" }, "+15550001905 is not on the allowlist; nothing changed."],
    [{ kind: "agent_silent" }, "Removed +15550001905 from the allowlist, but their agent did not answer, so what waits there may still run: send /deny +15550001905 again."],
  ])("%j", (outcome, expected) => {
    expect(denyRefusal(PHONE, outcome)).toBe(expected);
  });
});

describe("the other one-liners", () => {
  it.each<[string, string]>([
    [notAUserReply(PHONE, ["ALLOWED_SENDERS", "ADMIN_SENDERS"]), "+15550001905 is not a user (not in ALLOWED_SENDERS, ADMIN_SENDERS or the allowlist); nothing changed. /allow it first."],
    [budgetUnansweredReply(PHONE), "+15550001905's agent did not answer, so the budget may not have changed: send the command again."],
    [DIRECTORY_UNREACHABLE, "I couldn't reach the user directory, so nothing changed. Try again in a minute."],
    [ACCESS_RESTORED_NOTICE, "✅ An admin has given you access to this agent again."],
    [ADMINS_ONLY_VM, "/vm is for admins only."],
    [permissionDenied("users"), "Permission denied: /users is for admins only."],
  ])("%s", (text, expected) => {
    expect(text).toBe(expected);
  });
});
