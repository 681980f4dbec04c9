// The local stack's stand-ins set up: their tokens, new at each start, and once every child answers, the Telegram
// webhook registered (the stand-in's, or the user's bot of `.dev.vars`) with what to say of it. Shared by
// `npm start` and the end-to-end stacks.
import { randomBytes } from "node:crypto";
import type { GithubPlan } from "./github-plan";
import { webhookOutcomeLines } from "./stand-in-notes";
import type { StackUrls } from "./stack-children";
import { standInToken, webhookEnv, type TelegramPlan } from "./telegram-plan";
import { readWebhookVars, setUpTelegramWebhook } from "./telegram-webhook-setup";

/** `fatal`: the stand-in's own registration failed, which is the stack's wiring: it should stop. */
export async function registerTelegramWebhook(plan: TelegramPlan, urls: Pick<StackUrls, "worker" | "telegram">, fetchFn: typeof fetch = fetch): Promise<{ lines: string[]; fatal: boolean }> {
  const settings = readWebhookVars(webhookEnv(plan, urls));
  const result = settings.ok ? await setUpTelegramWebhook(settings.vars, fetchFn) : { ok: false as const, problem: settings.problem };
  return { lines: webhookOutcomeLines(result), fatal: !result.ok && plan.kind === "stand-in" };
}

/** The Telegram stand-in's token and webhook secret, new at each start (as the Fly stand-in's API token). */
export function freshTelegramSecrets(): { token: string; webhookSecret: string } {
  return { token: standInToken(randomBytes(27).toString("base64url").slice(0, 35)), webhookSecret: randomBytes(24).toString("hex") };
}

/** The GitHub stand-in's tokens, new at each start, its repositories in `dataDir`. */
export function freshGithubPlan(dataDir: string, vmUsesStandIn: boolean): GithubPlan {
  return { token: `ghp_${randomBytes(18).toString("hex")}`, reviewerToken: `ghp_${randomBytes(18).toString("hex")}`, dataDir, vmUsesStandIn };
}
