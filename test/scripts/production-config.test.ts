// The production configuration deploys as documented: no name that a step puts as a Worker secret
// (a `wrangler secret put NAME` in README.md or docs/, or what `npm run setup:production` puts with
// `wrangler secret bulk` from the settings file docs/deploy.md shows) is also a var of
// [env.production.vars] as wrangler itself reads wrangler.toml (Cloudflare refuses a secret beside
// a var of the same name, 10053); and what the steps put is all the Worker needs in each VM mode,
// with and without Telegram, as src/config/config-check.ts judges it (GET /health's check).
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { unstable_readConfig } from "wrangler";
import { MADE_WORKER_SECRETS, PRODUCTION_VARS_FILE, readProductionVars, workerSecretsFromFile } from "../../scripts/setup/settings";
import { readProductionWranglerConfig } from "../../scripts/setup/wrangler-toml";
import { describeProblem } from "../../src/config/config-check";
import { checkSettings } from "../../src/agent/relay-settings";

const REPO = fileURLToPath(new URL("../../", import.meta.url));

/** A valid value for each name a step may put; a name missing here fails the test (a typo, or a new setting). */
const SAMPLE: Record<string, string> = {
  TWILIO_ACCOUNT_SID: `AC${"0123456789abcdef".repeat(2)}`,
  TWILIO_AUTH_TOKEN: "auth-token",
  TWILIO_WHATSAPP_FROM: "whatsapp:+15551230000",
  TWILIO_TEMPLATE_SID: "HX0123456789abcdef0123456789abcdef",
  ALLOWED_SENDERS: "+15551230001",
  ADMIN_SENDERS: "+15551230001",
  PUBLIC_URL: "https://whatsapp-agent-relay.example.workers.dev",
  VM_URL: "https://agents-test.fly.dev",
  VM_TOKEN: "ab".repeat(32),
  VM_MODE: "shared",
  FLY_API_TOKEN: "fm2_token",
  FLY_APP: "agents-test",
  FLY_IMAGE: "registry.fly.io/agents-test:agent-20261125",
  FLY_REGIONS: "iad",
  TELEGRAM_BOT_TOKEN: "123456789:AAbbccddeeffgghhiijjkkllmmnnooppqq",
  TELEGRAM_WEBHOOK_SECRET: "s".repeat(48),
  ALLOWED_TELEGRAM_USERS: "123456789",
  ADMIN_TELEGRAM_USERS: "123456789",
  MEDIA_SIGNING_KEY: "k".repeat(48),
};

function markdownFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? markdownFiles(join(dir, entry.name)) : entry.name.endsWith(".md") ? [join(dir, entry.name)] : []));
}

/** Every `wrangler secret put NAME` in the docs, with the file and whether it names the production environment. */
function documentedPuts(repo: string): { name: string; where: string; production: boolean }[] {
  return [join(repo, "README.md"), ...markdownFiles(join(repo, "docs"))].flatMap((path) =>
    [...readFileSync(path, "utf8").matchAll(/wrangler secret put ([A-Z][A-Z0-9_]*)([^\n`]*)/g)].map((m) => ({ name: m[1]!, where: path.slice(repo.length), production: /--env[ =]production/.test(m[2]!) })),
  );
}

/** The names in docs/deploy.md's settings file (the fenced block opening with `# .production.vars`), commented-out ones included. */
function settingsFileNames(repo: string): string[] {
  const text = readFileSync(join(repo, "docs", "deploy.md"), "utf8");
  const block = [...text.matchAll(/```[a-z]*\n(# \.production\.vars[^\n]*\n[\s\S]*?)```/g)][0]?.[1];
  if (block === undefined) return [];
  return [...block.matchAll(/^#?\s*([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]!);
}

/**
 * The Worker's secrets `npm run setup:production` puts in a mode, by its own split of the file
 * (settings.ts workerSecretsFromFile: every name but the VM's and the set-up's), and those it makes.
 */
function setupPuts(fileNames: string[], mode: "shared" | "machines"): string[] {
  const file = Object.fromEntries(fileNames.map((n) => [n, SAMPLE[n] ?? "sample"]));
  const read = readProductionVars({ ...file, VM_MODE: mode, FLY_APP: SAMPLE.FLY_APP!, ANTHROPIC_API_KEY: "sk-ant-sample", TELEGRAM_WEBHOOK_SECRET: SAMPLE.TELEGRAM_WEBHOOK_SECRET! });
  if (!read.ok) throw new Error(`the settings file docs/deploy.md shows is refused: ${read.problems.join("; ")}`);
  const split = workerSecretsFromFile(read.vars, []);
  if (!split.ok) throw new Error(split.problems.join("; "));
  return [...new Set([...Object.keys(split.values), ...MADE_WORKER_SECRETS[mode], "PUBLIC_URL"])];
}

function productionVars(repo: string): Record<string, unknown> {
  return unstable_readConfig({ config: join(repo, "wrangler.toml"), env: "production" }, { hideWarnings: true }).vars ?? {};
}

/** Every problem with the production configuration of the tree at `repo`, in words. */
export function productionConfigProblems(repo: string): string[] {
  const vars = productionVars(repo);
  const problems: string[] = [];
  const docs = documentedPuts(repo);
  const file = settingsFileNames(repo);
  if (file.length === 0) problems.push(`docs/deploy.md shows no settings file (a fenced block opening with "# ${PRODUCTION_VARS_FILE}")`);
  for (const put of docs) {
    if (put.name in vars) problems.push(`${put.where}: \`wrangler secret put ${put.name}\`, but ${put.name} is a var of [env.production.vars] (Cloudflare error 10053)`);
    if (!put.production) problems.push(`${put.where}: \`wrangler secret put ${put.name}\` without --env production`);
  }
  for (const mode of ["shared", "machines"] as const) {
    const puts = file.length === 0 ? [] : setupPuts(file, mode);
    for (const name of puts) if (name in vars) problems.push(`npm run setup:production (${mode}) puts ${name}, a var of [env.production.vars] (Cloudflare error 10053)`);
    for (const telegram of [false, true]) {
      const names = [...puts, ...docs.map((p) => p.name)].filter((n) => telegram || !/TELEGRAM/.test(n));
      const unknown = names.filter((n) => !(n in SAMPLE));
      if (unknown.length > 0) problems.push(`no sample value for ${unknown.join(", ")}: a setting the Worker does not read, or add it to SAMPLE`);
      const env: Record<string, unknown> = { ...vars, ...Object.fromEntries(names.map((n) => [n, SAMPLE[n]])), VM_MODE: mode };
      // WhatsApp and Telegram both: a Telegram deployment names the bot's settings.
      if (telegram && env.TELEGRAM_BOT_TOKEN === undefined) problems.push(`${mode} mode with Telegram: no step puts TELEGRAM_BOT_TOKEN`);
      for (const p of checkSettings(env)) problems.push(`${mode} mode${telegram ? " with Telegram" : ""}: after every documented step, ${describeProblem(p)}`);
    }
  }
  return [...new Set(problems)];
}

describe("the production configuration", () => {
  it("puts no secret beside a var of the same name, and everything the Worker needs", () => {
    expect(productionConfigProblems(REPO)).toEqual([]);
  });

  it("reads wrangler.toml through wrangler's own parser: env.production's vars, not the top level's", () => {
    expect(Object.keys(productionVars(REPO)).sort()).toEqual(["TWILIO_API_BASE", "TWILIO_MESSAGING_API_BASE"]);
  });

  it("the set-up's own reading of wrangler.toml (smol-toml) finds the vars and R2 buckets wrangler finds, for production and dev alike", () => {
    const production = unstable_readConfig({ config: join(REPO, "wrangler.toml"), env: "production" }, { hideWarnings: true });
    const dev = unstable_readConfig({ config: join(REPO, "wrangler.toml") }, { hideWarnings: true });
    const setup = readProductionWranglerConfig(readFileSync(join(REPO, "wrangler.toml"), "utf8"));
    const bound = (config: typeof production) => (config.r2_buckets as { binding: string; bucket_name?: string }[]).map((b) => [b.binding, b.bucket_name]);
    expect(setup.vars).toEqual(Object.keys(production.vars ?? {}));
    expect(setup.buckets).toEqual(bound(production).map(([, name]) => name));
    // Bindings are not inherited by an environment: the same buckets, or a deploy binds what dev never saw.
    expect(bound(dev)).toEqual(bound(production));
  });

  it("the settings file docs/deploy.md shows is one the set-up takes", () => {
    const text = readFileSync(join(REPO, "docs", "deploy.md"), "utf8");
    const block = /```[a-z]*\n(# \.production\.vars[^\n]*\n[\s\S]*?)```/.exec(text)![1]!;
    const values = Object.fromEntries([...block.matchAll(/^([A-Z][A-Z0-9_]*)=(.*)$/gm)].map((m) => [m[1]!, SAMPLE[m[1]!] ?? m[2]!.replace(/\s+#.*$/, "")]));
    const read = readProductionVars({ ...values, ANTHROPIC_API_KEY: "sk-ant-x", FLY_APP: "agents-test" });
    expect(read.ok ? [] : read.problems).toEqual([]);
  });
});
