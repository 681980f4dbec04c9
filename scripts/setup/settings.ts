// `npm run setup:production`'s answers: the operator's `.production.vars` (dotenv, never
// committed), parsed with zod, and which of its names go to the Worker's secrets, which to the
// Fly app's, and which only steer the set-up. Pure.
import { z } from "zod";

/** The operator's file, beside wrangler.toml; in .gitignore. */
export const PRODUCTION_VARS_FILE = ".production.vars";

/** The agent VM's secrets (`fly secrets import`): the model's credentials and git's. Never sent to the Worker. */
export const VM_SECRET_NAMES = ["ANTHROPIC_API_KEY", "CLAUDE_CODE_OAUTH_TOKEN", "ANTHROPIC_BASE_URL", "GITHUB_TOKEN", "GIT_CREDENTIALS", "GITHUB_URL", "GITHUB_API_BASE"] as const;

/** Read by the set-up alone. */
export const SETUP_ONLY_NAMES = ["FLY_ORG"] as const;

/** Made by the set-up (VM_TOKEN once, unless the file has one) or read from what it did: never asked for. */
export const MADE_WORKER_SECRETS = { shared: ["VM_TOKEN", "VM_URL"], machines: ["VM_TOKEN", "FLY_API_TOKEN", "FLY_IMAGE"] } as const;

/** The volume of the shared VM (fly.toml's [mounts] source) and its size in GB. */
export const SHARED_VOLUME = { name: "agent_data", sizeGb: 10 } as const;

const blankIsUnset = (value: unknown) => (typeof value === "string" && value.trim() === "" ? undefined : value);
const opt = <T extends z.ZodTypeAny>(schema: T) => z.preprocess(blankIsUnset, schema.optional());

export const ProductionVarsSchema = z
  .object({
    VM_MODE: z.preprocess(blankIsUnset, z.enum(["shared", "machines"], { error: "must be shared or machines" }).default("shared")),
    FLY_APP: z.preprocess(
      blankIsUnset,
      z
        .string({ error: "is missing: the Fly app to create (names are unique across Fly, e.g. whatsapp-agent-<you>)" })
        .regex(/^[a-z0-9-]{1,63}$/, "must be a Fly app name (lowercase letters, digits, dashes)"),
    ),
    FLY_ORG: z.preprocess(blankIsUnset, z.string().regex(/^[a-z0-9-]{1,63}$/, "must be a Fly organization slug").default("personal")),
    FLY_REGIONS: z.preprocess(blankIsUnset, z.string().regex(/^\s*[a-z]{3}\s*(,\s*[a-z]{3}\s*)*$/, "must be three-letter region codes separated by commas").default("iad")),
    TWILIO_ACCOUNT_SID: opt(z.string().regex(/^AC[0-9a-fA-F]{32}$/, "must be AC followed by 32 hex digits (Twilio console, Account Info)")),
    TWILIO_AUTH_TOKEN: opt(z.string().min(1)),
    PUBLIC_URL: opt(z.url({ protocol: /^https?$/, error: "must be the Worker's URL (https://…workers.dev, or its route)" })),
    VM_TOKEN: opt(z.string().min(32, "must be at least 32 characters (the set-up makes one when it is unset)")),
    TELEGRAM_BOT_TOKEN: opt(z.string()),
    TELEGRAM_WEBHOOK_SECRET: opt(z.string().regex(/^[A-Za-z0-9_-]{32,256}$/, "must be 32-256 of A-Z, a-z, 0-9, _ and - (e.g. `openssl rand -hex 32`)")),
    ANTHROPIC_API_KEY: opt(z.string()),
    CLAUDE_CODE_OAUTH_TOKEN: opt(z.string()),
  })
  .loose()
  .superRefine((v, ctx) => {
    if ((v.TWILIO_ACCOUNT_SID === undefined) !== (v.TWILIO_AUTH_TOKEN === undefined)) ctx.addIssue({ code: "custom", path: ["TWILIO_AUTH_TOKEN"], message: "TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN go together" });
    if (v.TWILIO_ACCOUNT_SID === undefined && v.TELEGRAM_BOT_TOKEN === undefined) ctx.addIssue({ code: "custom", path: ["TWILIO_ACCOUNT_SID"], message: "is missing: no channel (WhatsApp needs TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN; Telegram TELEGRAM_BOT_TOKEN)" });
    if (v.TELEGRAM_BOT_TOKEN !== undefined && v.TELEGRAM_WEBHOOK_SECRET === undefined) ctx.addIssue({ code: "custom", path: ["TELEGRAM_WEBHOOK_SECRET"], message: "is missing: required with TELEGRAM_BOT_TOKEN (e.g. `openssl rand -hex 32`)" });
    if (v.ANTHROPIC_API_KEY === undefined && v.CLAUDE_CODE_OAUTH_TOKEN === undefined) ctx.addIssue({ code: "custom", path: ["ANTHROPIC_API_KEY"], message: "is missing: the agent VM needs ANTHROPIC_API_KEY or CLAUDE_CODE_OAUTH_TOKEN" });
  });

export type ProductionVars = z.infer<typeof ProductionVarsSchema> & Record<string, string | undefined>;

/**
 * Why the set-up refuses the file with this `stat` mode, or null: it holds every secret (and the
 * set-up adds VM_TOKEN), so no group or other user may read or write it.
 */
export function varsFileModeProblem(mode: number): string | null {
  const access = mode & 0o777;
  if ((access & 0o077) === 0) return null;
  return `${PRODUCTION_VARS_FILE} can be read or written by others (mode ${access.toString(8).padStart(4, "0")}), and it holds every secret: run \`chmod 600 ${PRODUCTION_VARS_FILE}\`, then this again`;
}

/** The answers, or each problem named by its variable. */
export function readProductionVars(file: Record<string, string>): { ok: true; vars: ProductionVars } | { ok: false; problems: string[] } {
  const parsed = ProductionVarsSchema.safeParse(file);
  if (parsed.success) return { ok: true, vars: parsed.data as ProductionVars };
  return { ok: false, problems: parsed.error.issues.map((issue) => `${issue.path.join(".") || "file"} ${issue.message}`) };
}

/** The primary region: the first of FLY_REGIONS (the shared VM's volume goes there). */
export function primaryRegion(vars: ProductionVars): string {
  return vars.FLY_REGIONS.split(",")[0]!.trim();
}

/**
 * What the Worker gets as secrets from the file: every name but the VM's, the set-up's own, and
 * those the set-up makes; FLY_APP and FLY_REGIONS only in machines mode (where the Worker reads
 * them). `fixedVars` are wrangler.toml's [env.production.vars]: a name there is refused, as
 * Cloudflare refuses a secret beside a var of the same name (10053).
 */
export function workerSecretsFromFile(vars: ProductionVars, fixedVars: readonly string[]): { ok: true; values: Record<string, string> } | { ok: false; problems: string[] } {
  const skip = new Set<string>([...VM_SECRET_NAMES, ...SETUP_ONLY_NAMES, ...MADE_WORKER_SECRETS.shared, ...MADE_WORKER_SECRETS.machines]);
  if (vars.VM_MODE === "shared") ["FLY_APP", "FLY_REGIONS"].forEach((name) => skip.add(name));
  const values: Record<string, string> = {};
  const problems: string[] = [];
  for (const [name, value] of Object.entries(vars)) {
    if (skip.has(name) || value === undefined || value === "") continue;
    if (fixedVars.includes(name)) problems.push(`${name} is a var of [env.production.vars] in wrangler.toml: remove it from ${PRODUCTION_VARS_FILE} (or from wrangler.toml)`);
    else values[name] = value;
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, values };
}

/** The VM's secrets from the file (`fly secrets import`). */
export function vmSecretsFromFile(vars: ProductionVars): Record<string, string> {
  return Object.fromEntries(VM_SECRET_NAMES.flatMap((name) => (vars[name] ? [[name, vars[name]!]] : [])));
}
