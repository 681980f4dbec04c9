// `npm start`'s Telegram: the Bot API stand-in (emulator/telegram/) as a child with a token of its
// own, the Worker pointed at it (token, webhook secret, API base, the simulator's users allowed),
// and the webhook registered once the Worker answers. A bot of the user's own in `.dev.vars` is
// left to the Worker as it is, and only checked (a wrong token named in one line). Pure.
/** The simulator's Telegram people: Alice and Bob again, by numeric user id. */
export const LOCAL_TELEGRAM_USERS: ReadonlyArray<{ id: string; name: string }> = [
  { id: "5550001", name: "Alice" },
  { id: "5550002", name: "Bob" },
];

/** The `.dev.vars` names that say the user means a bot of their own. */
export const USER_TELEGRAM_VARS = ["TELEGRAM_BOT_TOKEN", "TELEGRAM_API_BASE", "TELEGRAM_WEBHOOK_SECRET"] as const;

/** `token` and `webhookSecret`: the stand-in's own, new at each start; it runs in both cases, for the simulator. */
export type TelegramPlan = { token: string; webhookSecret: string } & (
  /** The Worker talks to the stand-in. */
  | { kind: "stand-in"; allowed: string; admins: string }
  /** `.dev.vars` names a bot: the Worker uses it as configured there. */
  | { kind: "own"; vars: Record<string, string | undefined> }
);

export function chooseTelegram(devVars: Record<string, string | undefined>, fresh: { token: string; webhookSecret: string }): TelegramPlan {
  const given = (name: string) => (devVars[name] ?? "").trim() !== "";
  if (USER_TELEGRAM_VARS.some(given)) return { kind: "own", vars: devVars, ...fresh };
  return {
    kind: "stand-in",
    ...fresh,
    allowed: given("ALLOWED_TELEGRAM_USERS") ? devVars.ALLOWED_TELEGRAM_USERS! : LOCAL_TELEGRAM_USERS.map((u) => u.id).join(","),
    admins: given("ADMIN_TELEGRAM_USERS") ? devVars.ADMIN_TELEGRAM_USERS! : LOCAL_TELEGRAM_USERS[0]!.id,
  };
}

/** A token shaped as @BotFather's (the bot's id, a colon, 35 characters), from 35 random url-safe characters. */
export function standInToken(random35: string): string {
  return `7000000001:${random35}`;
}

/**
 * The Worker's settings for the stand-in, as `wrangler dev --var` flags (over `.dev.vars`). The
 * token and secret are the local stand-in's, made at each start, and reach nothing else.
 */
export function telegramWorkerArgs(plan: TelegramPlan, telegramUrl: string): string[] {
  if (plan.kind !== "stand-in") return [];
  const vars: Record<string, string> = {
    TELEGRAM_BOT_TOKEN: plan.token,
    TELEGRAM_WEBHOOK_SECRET: plan.webhookSecret,
    TELEGRAM_API_BASE: telegramUrl,
    ALLOWED_TELEGRAM_USERS: plan.allowed,
    ADMIN_TELEGRAM_USERS: plan.admins,
  };
  return Object.entries(vars).flatMap(([name, value]) => ["--var", `${name}:${value}`]);
}

/** What the simulator's Telegram view offers: the allowed ids, named where the stack knows them. */
export function simulatorTelegramUsers(plan: TelegramPlan): string {
  const allowed = plan.kind === "stand-in" ? plan.allowed : (plan.vars.ALLOWED_TELEGRAM_USERS ?? "");
  const ids = allowed.split(",").map((id) => id.trim()).filter((id) => /^[1-9]\d{0,15}$/.test(id));
  return ids.map((id) => `${id}:${LOCAL_TELEGRAM_USERS.find((u) => u.id === id)?.name ?? id}`).join(",");
}

/**
 * What the webhook's registration reads: the stand-in's own settings and the local Worker, or the
 * user's from `.dev.vars` (PUBLIC_URL there: a tunnel, since Telegram calls only https).
 */
export function webhookEnv(plan: TelegramPlan, urls: { worker: string; telegram: string }): Record<string, string | undefined> {
  if (plan.kind === "own") {
    const { TELEGRAM_BOT_TOKEN, TELEGRAM_WEBHOOK_SECRET, TELEGRAM_API_BASE, PUBLIC_URL } = plan.vars;
    return { TELEGRAM_BOT_TOKEN, TELEGRAM_WEBHOOK_SECRET, TELEGRAM_API_BASE, PUBLIC_URL };
  }
  return { TELEGRAM_BOT_TOKEN: plan.token, TELEGRAM_WEBHOOK_SECRET: plan.webhookSecret, TELEGRAM_API_BASE: urls.telegram, PUBLIC_URL: urls.worker };
}
