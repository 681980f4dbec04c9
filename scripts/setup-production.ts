// `npm run setup:production`: the operator's set-up from `.production.vars`, step by step, each
// skipped when already done (scripts/setup/plan.ts decides; this runs the checks and the steps).
// `-- --dry-run` prints the plan and runs nothing; `--update-secrets` puts every secret again;
// `--redeploy` deploys both sides again. Secrets go to the CLIs on stdin or in a 0600 temp file,
// never on a command line, and are never printed, except VM_TOKEN once when it is made.
import type { ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { appendFileSync, existsSync, readFileSync, statSync } from "node:fs";
import { z } from "zod";
import { DEFAULT_API_BASE, methodUrl } from "../src/channels/telegram/api";
import { parseDotenv } from "./stack/dev-vars";
import { readWebhookVars, setUpTelegramWebhook } from "./stack/telegram-webhook-setup";
import * as out from "./setup/cli-output";
import { runCli } from "./setup/run-cli";
import { appExists, createApp, createVolume, machineCount, volumesNamed, type FlyApi } from "./setup/fly-api";
import { blockingStep, describePlan, planSetup, type Action, type Found } from "./setup/plan";
import { withSecretsFile } from "./setup/secrets-file";
import { PRODUCTION_VARS_FILE, readProductionVars, SHARED_VOLUME, varsFileModeProblem, vmSecretsFromFile, workerSecretsFromFile, type ProductionVars } from "./setup/settings";
import { readProductionWranglerConfig } from "./setup/wrangler-toml";

/** The Machines API and the token `fly auth token` gave, asked for once. */
let api: FlyApi | null = null;

/** The CLIs running now: Ctrl-C or SIGTERM ends them with the set-up, whose exit removes its temporary secrets. */
const running = new Set<ChildProcess>();
for (const [signal, code] of [["SIGINT", 130], ["SIGTERM", 143]] as const) {
  process.on(signal, () => {
    for (const child of running) child.kill("SIGTERM");
    console.error(`[setup] stopped by ${signal}: what is done is skipped when this runs again`);
    process.exit(code);
  });
}

const argv = process.argv.slice(2);
const flags = { dryRun: argv.includes("--dry-run"), updateSecrets: argv.includes("--update-secrets"), redeploy: argv.includes("--redeploy") };
const unknown = argv.filter((a) => !["--dry-run", "--update-secrets", "--redeploy"].includes(a));
if (unknown.length > 0) fail(2, `unknown option ${unknown.join(" ")} (--dry-run, --update-secrets, --redeploy)`);

if (!existsSync(PRODUCTION_VARS_FILE)) fail(2, `no ${PRODUCTION_VARS_FILE} here: write it first (docs/deploy.md, "The settings file"); it is in .gitignore`);
// It holds every secret, and the set-up adds VM_TOKEN to it: no one else may read it.
const modeProblem = varsFileModeProblem(statSync(PRODUCTION_VARS_FILE).mode);
if (modeProblem) fail(2, modeProblem);
const file = parseDotenv(readFileSync(PRODUCTION_VARS_FILE, "utf8"));
const read = readProductionVars(file);
if (!read.ok) fail(2, `${PRODUCTION_VARS_FILE}:\n  ${read.problems.join("\n  ")}`);
const vars: ProductionVars = read.vars;
// The names of [env.production.vars], and the R2 buckets the production Worker binds.
const wranglerConfig = readProductionWranglerConfig(readFileSync("wrangler.toml", "utf8"));
const fromFile = workerSecretsFromFile(vars, wranglerConfig.vars);
if (!fromFile.ok) fail(2, fromFile.problems.join("\n"));
const workerSecrets = fromFile.values;
const vmSecrets = vmSecretsFromFile(vars);
const app = vars.FLY_APP;

const found = await check().catch((error: unknown) => fail(1, `checking what exists failed: ${messageOf(error)}`));
const steps = planSetup({ vars, buckets: wranglerConfig.buckets, workerSecrets, vmSecrets, found, ...flags });
say(`The plan (${vars.VM_MODE} mode, Fly app ${app}):`);
for (const line of describePlan(steps)) say(line);
if (flags.dryRun) {
  say("--dry-run: nothing was run.");
  process.exit(0);
}
// Nothing is made while a step stops the set-up or could not be checked: no half-made account.
const blocking = blockingStep(steps);
if (blocking) fail(1, `${blocking.title}: ${blocking.why}`);

// What the steps make, for the steps after them.
const made: { vmToken: string | null; publicUrl: string | null; flyImage: string | null; flyApiToken: string | null } = {
  vmToken: vars.VM_TOKEN ?? null,
  publicUrl: vars.PUBLIC_URL?.replace(/\/+$/, "") ?? null,
  flyImage: null,
  flyApiToken: null,
};
for (const step of steps) {
  if ("skip" in step) say(`✓ ${step.title}: ${step.skip}`);
  else if ("do" in step) say(`→ ${step.title}: ${await carryOut(step.do).catch((error: unknown) => fail(1, `${step.title} failed: ${messageOf(error)} (run this again once it is fixed: what is done is skipped)`))}`);
}
say("Done.");

/**
 * Each fact read from the side it is on; a side logged out is not asked, and the plan marks what
 * it decides as unchecked (so a dry run still lists every step).
 */
async function check(): Promise<Found> {
  const wranglerUser = out.wranglerUser(await run("wrangler", ["whoami", "--json"]));
  const flyUser = out.flyUser(await run("fly", ["auth", "whoami"]));
  const cloudflare = wranglerUser === null ? { r2: { existing: [] }, workerSecrets: null } : await cloudflareFacts();
  const fly = flyUser === null ? { flyApp: false, flySecrets: [], volumes: 0, machines: 0, ips: 0 } : await flyFacts();
  return { wranglerUser, flyUser, ...cloudflare, ...fly, telegramWebhook: await telegramWebhook(), github: await githubUser() };
}

async function cloudflareFacts(): Promise<Pick<Found, "r2" | "workerSecrets">> {
  const r2 = await bucketsFound();
  const secretsResult = await run("wrangler", ["secret", "list", "--env", "production"]);
  const secrets = out.workerSecretNames(secretsResult) ?? fail(1, `wrangler secret list failed:\n${secretsResult.stdout}${secretsResult.stderr}`);
  return { r2, workerSecrets: secrets === "no_worker" ? null : secrets };
}

/** Which of wrangler.toml's buckets exist, asked one by one; R2 off (10042) is the account's, so the first says it for all. */
async function bucketsFound(): Promise<Found["r2"]> {
  const existing: string[] = [];
  for (const bucket of wranglerConfig.buckets) {
    const result = await run("wrangler", ["r2", "bucket", "info", bucket]);
    const state = out.r2BucketState(result) ?? fail(1, `wrangler r2 bucket info ${bucket} failed:\n${result.stdout}${result.stderr}`);
    if (state === "r2_off") return "r2_off";
    if (state === "exists") existing.push(bucket);
  }
  return { existing };
}

async function flyFacts(): Promise<Pick<Found, "flyApp" | "flySecrets" | "volumes" | "machines" | "ips">> {
  const api = await flyApi();
  const flyApp = await appExists(api, app);
  const flySecrets = flyApp ? (out.flySecretNames(await run("fly", ["secrets", "list", "-a", app, "--json"])) ?? fail(1, `fly secrets list -a ${app} failed`)) : [];
  const volumes = flyApp && vars.VM_MODE === "shared" ? await volumesNamed(api, app, SHARED_VOLUME.name) : 0;
  const machines = flyApp && vars.VM_MODE === "shared" ? await machineCount(api, app) : 0;
  const ips = flyApp && vars.VM_MODE === "machines" ? (out.flyIpCount(await run("fly", ["ips", "list", "-a", app, "--json"])) ?? fail(1, `fly ips list -a ${app} failed`)) : 0;
  return { flyApp, flySecrets, volumes, machines, ips };
}

async function carryOut(action: Action): Promise<string> {
  switch (action.kind) {
    case "create_bucket":
      await must("wrangler", ["r2", "bucket", "create", action.bucket]);
      return "created";
    case "create_fly_app":
      await createApp(await flyApi(), action.app, action.org);
      return `created in ${action.org}`;
    case "create_volume":
      return `created ${await createVolume(await flyApi(), action.app, action)}`;
    case "make_vm_token": {
      if (made.vmToken !== null) return `the one in ${PRODUCTION_VARS_FILE}, put on both sides below`;
      made.vmToken = randomBytes(32).toString("hex");
      appendFileSync(PRODUCTION_VARS_FILE, `\n# Made by npm run setup:production: the relay's and the VM's shared secret.\nVM_TOKEN=${made.vmToken}\n`, { mode: 0o600 });
      return `made, written to ${PRODUCTION_VARS_FILE} and put on both sides below. Keep it:\n  VM_TOKEN=${made.vmToken}`;
    }
    case "fly_secrets": {
      const values: Record<string, string> = { ...vmSecrets, ...(made.vmToken ? { VM_TOKEN: made.vmToken } : {}) };
      await must("fly", ["secrets", "import", "-a", action.app], action.names.map((name) => importLine(name, values[name] ?? fail(1, `no value for ${name}`))).join("\n") + "\n");
      return `set ${action.names.join(", ")}`;
    }
    case "fly_deploy":
      await must("fly", ["deploy", "-a", action.app, "--ha=false", "--primary-region", action.region], undefined, true);
      return `deployed; the VM is at https://${action.app}.fly.dev`;
    case "allocate_ips":
      await must("fly", ["ips", "allocate-v6", "-a", action.app]);
      await must("fly", ["ips", "allocate-v4", "--shared", "-a", action.app]);
      return "allocated an IPv6 and a shared IPv4";
    case "push_image": {
      const label = `agent-${new Date().toISOString().replace(/\D/g, "").slice(0, 14)}`;
      const pushed = await must("fly", ["deploy", "--build-only", "--push", "-a", action.app, "--image-label", label], undefined, true);
      made.flyImage = out.pushedImage(pushed, action.app) ?? fail(1, `fly deploy --build-only --push printed no image under registry.fly.io/${action.app}`);
      return `pushed ${made.flyImage} (FLY_IMAGE)`;
    }
    case "fly_deploy_token":
      made.flyApiToken = out.deployToken(await must("fly", ["tokens", "create", "deploy", "-a", action.app])) ?? fail(1, "fly tokens create deploy printed no token");
      return "made (FLY_API_TOKEN, put on the Worker below)";
    case "worker_deploy": {
      const deployed = await must("wrangler", ["deploy", "--env", "production"], undefined, true);
      const url = out.deployedUrl(deployed);
      if (made.publicUrl === null) {
        made.publicUrl = url ?? fail(1, "wrangler deploy printed no workers.dev URL: set PUBLIC_URL in .production.vars to the Worker's URL and run this again");
        appendFileSync(PRODUCTION_VARS_FILE, `\n# Learned by npm run setup:production from wrangler deploy.\nPUBLIC_URL=${made.publicUrl}\n`, { mode: 0o600 });
      }
      return `deployed at ${url ?? made.publicUrl}`;
    }
    case "worker_secrets":
      return putWorkerSecrets(action.names);
    case "telegram_webhook": {
      const webhook = readWebhookVars({ ...vars, PUBLIC_URL: made.publicUrl ?? undefined });
      if (!webhook.ok) fail(1, webhook.problem);
      const result = await setUpTelegramWebhook(webhook.vars);
      if (!result.ok) fail(1, result.problem);
      return result.lines.join("; ");
    }
    case "check_health":
      return checkHealth();
    case "print_urls": {
      const base = made.publicUrl ?? "https://<the Worker's URL>";
      return [
        "",
        `  Twilio console, the WhatsApp sender (or the sandbox's settings), "When a message comes in": ${base}/twilio/inbound (HTTP POST)`,
        `  GitHub: each repository's webhook goes under ${base}/github/webhook; send \`/github watch owner/repo\` from your phone for its URL and secret`,
      ].join("\n");
    }
  }
}

/** One `NAME=value` for `fly secrets import`; a value of several lines (GIT_CREDENTIALS) in flyctl's triple quotes. */
function importLine(name: string, value: string): string {
  return value.includes("\n") ? `${name}="""\n${value}\n"""` : `${name}=${value}`;
}

async function putWorkerSecrets(names: string[]): Promise<string> {
  const known: Record<string, string | null> = {
    ...workerSecrets,
    VM_TOKEN: made.vmToken,
    VM_URL: vars.VM_MODE === "shared" ? `https://${app}.fly.dev` : null,
    FLY_IMAGE: made.flyImage,
    FLY_API_TOKEN: made.flyApiToken,
    PUBLIC_URL: made.publicUrl,
  };
  const values = Object.fromEntries(names.map((name) => [name, known[name] ?? fail(1, `no value for the Worker's ${name} (run this again with it in ${PRODUCTION_VARS_FILE})`)]));
  // JSON, not dotenv: wrangler expands $VAR in a dotenv file's values.
  await withSecretsFile(values, (path) => must("wrangler", ["secret", "bulk", path, "--env", "production"]));
  return `put ${names.join(", ")}`;
}

async function checkHealth(): Promise<string> {
  if (made.publicUrl === null) return "skipped: no PUBLIC_URL";
  try {
    const res = await fetch(`${made.publicUrl}/health`, { signal: AbortSignal.timeout(15_000) });
    const body = (await res.text()).slice(0, 500);
    if (res.ok) return `${res.status} ${body}`;
    process.exitCode = 1;
    return `${res.status}: the relay cannot take a message yet: ${body}`;
  } catch (error) {
    process.exitCode = 1;
    return `not reached (${error instanceof Error ? error.message : String(error)})`;
  }
}

/** Whose GITHUB_TOKEN is (GitHub's `GET /user`), so a refused token stops the set-up before it is stored. */
async function githubUser(): Promise<Found["github"]> {
  if (!vars.GITHUB_TOKEN) return null;
  try {
    const res = await fetch(`${(vars.GITHUB_API_BASE ?? "https://api.github.com").replace(/\/+$/, "")}/user`, {
      headers: { authorization: `Bearer ${vars.GITHUB_TOKEN}`, accept: "application/vnd.github+json", "user-agent": "whatsapp-agent-relay-setup" },
      signal: AbortSignal.timeout(15_000),
    });
    if (res.status === 401) return "refused";
    const user = z.object({ login: z.string() }).safeParse(await res.json());
    return res.ok && user.success ? { login: user.data.login } : "unreachable";
  } catch {
    return "unreachable";
  }
}

/** The webhook the bot has now (getWebhookInfo), so a set one is left alone. */
async function telegramWebhook(): Promise<string | null> {
  if (!vars.TELEGRAM_BOT_TOKEN) return null;
  try {
    const res = await fetch(methodUrl(vars.TELEGRAM_API_BASE ?? DEFAULT_API_BASE, vars.TELEGRAM_BOT_TOKEN, "getWebhookInfo"), { method: "POST", signal: AbortSignal.timeout(15_000) });
    const info = z.object({ ok: z.literal(true), result: z.object({ url: z.string() }) }).safeParse(await res.json());
    return info.success && info.data.result.url !== "" ? info.data.result.url : null;
  } catch {
    return null;
  }
}

async function flyApi(): Promise<FlyApi> {
  if (api) return api;
  const token = out.flyAuthToken(await run("fly", ["auth", "token"])) ?? fail(1, "fly auth token printed no token");
  api = { base: process.env.FLY_API_BASE ?? "https://api.machines.dev", token };
  return api;
}

/** Runs a CLI without a shell (setup/run-cli.ts); `stream`: its output is shown as it comes (deploys take minutes). */
function run(command: string, args: string[], stdin?: string, stream = false): Promise<out.CliResult> {
  return runCli(command, args, { stdin, stream, running }, command === "fly" ? " (install flyctl: https://fly.io/docs/flyctl/install/)" : "");
}

async function must(command: string, args: string[], stdin?: string, stream = false): Promise<out.CliResult> {
  const result = await run(command, args, stdin, stream);
  if (result.code !== 0) fail(1, `${command} ${args.join(" ")} failed (exit ${result.code}):\n${stream ? "" : `${result.stdout}${result.stderr}`}`);
  return result;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function say(line: string): void {
  console.log(`[setup] ${line}`);
}

function fail(code: number, message: string): never {
  console.error(`[setup] ${message}`);
  process.exit(code);
}
