// npm run setup:production's plan (scripts/setup/plan.ts) as a table: answers and what the checks
// found → the ordered steps, each done, skipped or stopping the set-up.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { blockingStep, describePlan, planSetup, type Found, type Step } from "../../scripts/setup/plan";
import { readProductionVars, varsFileModeProblem, vmSecretsFromFile, workerSecretsFromFile } from "../../scripts/setup/settings";
import { readProductionWranglerConfig } from "../../scripts/setup/wrangler-toml";

/** The buckets as the set-up reads them: the repository's wrangler.toml, production environment. */
const BUCKETS = readProductionWranglerConfig(readFileSync(new URL("../../wrangler.toml", import.meta.url), "utf8")).buckets;
const MEDIA = "whatsapp-agent-relay-media";
const ARCHIVE = "whatsapp-agent-relay-archive";

const SHARED = {
  FLY_APP: "agents-test",
  TWILIO_ACCOUNT_SID: `AC${"a".repeat(32)}`,
  TWILIO_AUTH_TOKEN: "tok",
  TWILIO_WHATSAPP_FROM: "whatsapp:+15550001111",
  ALLOWED_SENDERS: "+15551230001",
  ANTHROPIC_API_KEY: "sk-ant-x",
  PUBLIC_URL: "https://relay.example.workers.dev",
};
const MACHINES = { ...SHARED, VM_MODE: "machines", FLY_REGIONS: "ams,iad" };
const TELEGRAM = { ...SHARED, TELEGRAM_BOT_TOKEN: "123456:AAAAAAAAAAAAAAAAAAAAAAAAA", TELEGRAM_WEBHOOK_SECRET: "s".repeat(40) };

const NOTHING: Found = { wranglerUser: "op@example.com", flyUser: "op@example.com", r2: { existing: [] }, workerSecrets: null, flyApp: false, flySecrets: [], volumes: 0, machines: 0, ips: 0, telegramWebhook: null, github: null };
const SHARED_DONE: Found = {
  ...NOTHING,
  r2: { existing: [MEDIA, ARCHIVE] },
  workerSecrets: ["TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_WHATSAPP_FROM", "ALLOWED_SENDERS", "PUBLIC_URL", "VM_MODE", "VM_TOKEN", "VM_URL"],
  flyApp: true,
  flySecrets: ["ANTHROPIC_API_KEY", "VM_TOKEN"],
  volumes: 1,
  machines: 1,
};
const MACHINES_DONE: Found = { ...SHARED_DONE, volumes: 0, machines: 0, ips: 2, flySecrets: ["ANTHROPIC_API_KEY"], workerSecrets: [...SHARED_DONE.workerSecrets!.filter((n) => n !== "VM_URL"), "FLY_APP", "FLY_REGIONS", "FLY_IMAGE", "FLY_API_TOKEN"] };

/** Each step as `title: do <kind> [names]`, `title: skip`, `title: stop` or `title: unchecked (<why>) <kind>`. */
function summary(steps: Step[]): string[] {
  return steps.map((s) => {
    if ("stop" in s) return `${s.title}: stop`;
    if ("skip" in s) return `${s.title}: skip`;
    if ("unchecked" in s) return `${s.title}: unchecked (${s.unchecked}) ${s.would.kind}`;
    const names = "names" in s.do ? ` ${[...s.do.names].sort().join(",")}` : "";
    return `${s.title}: ${s.do.kind}${names}`;
  });
}

function plan(file: Record<string, string>, found: Found, flags: { updateSecrets?: boolean; redeploy?: boolean } = {}): Step[] {
  const read = readProductionVars(file);
  if (!read.ok) throw new Error(read.problems.join("; "));
  const worker = workerSecretsFromFile(read.vars, ["TWILIO_API_BASE", "TWILIO_MESSAGING_API_BASE"]);
  if (!worker.ok) throw new Error(worker.problems.join("; "));
  return planSetup({ vars: read.vars, buckets: BUCKETS, workerSecrets: worker.values, vmSecrets: vmSecretsFromFile(read.vars), found, updateSecrets: flags.updateSecrets ?? false, redeploy: flags.redeploy ?? false });
}

const ALWAYS = ["the relay's /health: check_health", "what to paste into Twilio and GitHub: print_urls"];
/** Shared mode with everything made: every step skipped. */
const SHARED_DONE_STEPS = [
  "Cloudflare login: skip",
  "Fly login: skip",
  "R2 bucket whatsapp-agent-relay-media: skip",
  "R2 bucket whatsapp-agent-relay-archive: skip",
  "Fly app agents-test: skip",
  "Fly volume agent_data (iad, 10 GB): skip",
  "VM_TOKEN: skip",
  "Fly secrets of agents-test: skip",
  "agent VM on agents-test: skip",
  "the Worker (wrangler deploy --env production): skip",
  "the Worker's secrets (wrangler secret bulk): skip",
  ...ALWAYS,
];

describe("planSetup", () => {
  it.each([
    {
      name: "logged in nowhere: every step listed, each one Cloudflare's or Fly's facts decide marked unchecked",
      file: SHARED,
      found: { ...NOTHING, wranglerUser: null, flyUser: null },
      expected: [
        "Cloudflare login: stop",
        "Fly login: stop",
        "R2 bucket whatsapp-agent-relay-media: unchecked (not logged in to Cloudflare) create_bucket",
        "R2 bucket whatsapp-agent-relay-archive: unchecked (not logged in to Cloudflare) create_bucket",
        "Fly app agents-test: unchecked (not logged in to Fly) create_fly_app",
        "Fly volume agent_data (iad, 10 GB): unchecked (not logged in to Fly) create_volume",
        "VM_TOKEN: unchecked (not logged in to Cloudflare or Fly) make_vm_token",
        "Fly secrets of agents-test: unchecked (not logged in to Cloudflare or Fly) fly_secrets",
        "agent VM on agents-test: unchecked (not logged in to Fly) fly_deploy",
        "the Worker (wrangler deploy --env production): unchecked (not logged in to Cloudflare) worker_deploy",
        "the Worker's secrets (wrangler secret bulk): unchecked (not logged in to Cloudflare or Fly) worker_secrets",
        ...ALWAYS,
      ],
    },
    {
      name: "not logged in to Cloudflare: Fly's steps checked, Cloudflare's unchecked",
      file: SHARED,
      found: { ...NOTHING, wranglerUser: null },
      expected: [
        "Cloudflare login: stop",
        "Fly login: skip",
        "R2 bucket whatsapp-agent-relay-media: unchecked (not logged in to Cloudflare) create_bucket",
        "R2 bucket whatsapp-agent-relay-archive: unchecked (not logged in to Cloudflare) create_bucket",
        "Fly app agents-test: create_fly_app",
        "Fly volume agent_data (iad, 10 GB): create_volume",
        "VM_TOKEN: unchecked (not logged in to Cloudflare) make_vm_token",
        "Fly secrets of agents-test: unchecked (not logged in to Cloudflare) fly_secrets",
        "agent VM on agents-test: fly_deploy",
        "the Worker (wrangler deploy --env production): unchecked (not logged in to Cloudflare) worker_deploy",
        "the Worker's secrets (wrangler secret bulk): unchecked (not logged in to Cloudflare) worker_secrets",
        ...ALWAYS,
      ],
    },
    {
      name: "machines mode logged in nowhere: its own steps, each marked",
      file: MACHINES,
      found: { ...NOTHING, wranglerUser: null, flyUser: null },
      expected: [
        "Cloudflare login: stop",
        "Fly login: stop",
        "R2 bucket whatsapp-agent-relay-media: unchecked (not logged in to Cloudflare) create_bucket",
        "R2 bucket whatsapp-agent-relay-archive: unchecked (not logged in to Cloudflare) create_bucket",
        "Fly app agents-test: unchecked (not logged in to Fly) create_fly_app",
        "VM_TOKEN: unchecked (not logged in to Cloudflare) make_vm_token",
        "Fly secrets of agents-test: unchecked (not logged in to Fly) fly_secrets",
        "public IPs of agents-test: unchecked (not logged in to Fly) allocate_ips",
        "agent image under agents-test: unchecked (not logged in to Cloudflare) push_image",
        "FLY_API_TOKEN (a deploy token for agents-test): unchecked (not logged in to Cloudflare) fly_deploy_token",
        "the Worker (wrangler deploy --env production): unchecked (not logged in to Cloudflare) worker_deploy",
        "the Worker's secrets (wrangler secret bulk): unchecked (not logged in to Cloudflare) worker_secrets",
        ...ALWAYS,
      ],
    },
    { name: "not logged in to Fly: stops at Fly's login, Cloudflare's steps checked", file: SHARED, found: { ...NOTHING, flyUser: null }, expected: ["Cloudflare login: skip", "Fly login: stop", "R2 bucket whatsapp-agent-relay-media: create_bucket", "R2 bucket whatsapp-agent-relay-archive: create_bucket", "Fly app agents-test: unchecked (not logged in to Fly) create_fly_app"] },
    {
      name: "R2 off (10042): one stop for both buckets, the rest listed",
      file: SHARED,
      found: { ...NOTHING, r2: "r2_off" as const },
      expected: [
        "Cloudflare login: skip",
        "Fly login: skip",
        "R2 buckets whatsapp-agent-relay-media, whatsapp-agent-relay-archive: stop",
        "Fly app agents-test: create_fly_app",
      ],
    },
    {
      name: "the media bucket made before the archive was bound: only the archive is created",
      file: SHARED,
      found: { ...SHARED_DONE, r2: { existing: [MEDIA] } },
      expected: SHARED_DONE_STEPS.map((line) => (line.startsWith(`R2 bucket ${ARCHIVE}:`) ? `R2 bucket ${ARCHIVE}: create_bucket` : line)),
    },
    {
      name: "a GITHUB_TOKEN GitHub refuses: stops before anything is made",
      file: { ...SHARED, GITHUB_TOKEN: "github_pat_revoked" },
      found: { ...NOTHING, github: "refused" as const },
      expected: ["Cloudflare login: skip", "Fly login: skip", "GITHUB_TOKEN: stop", "R2 bucket whatsapp-agent-relay-media: create_bucket", "R2 bucket whatsapp-agent-relay-archive: create_bucket"],
    },
    {
      name: "a GITHUB_TOKEN GitHub knows: goes to the VM's secrets only",
      file: { ...SHARED, GITHUB_TOKEN: "github_pat_good" },
      found: { ...NOTHING, github: { login: "octo" } },
      expected: ["GITHUB_TOKEN: skip", "Fly secrets of agents-test: fly_secrets ANTHROPIC_API_KEY,GITHUB_TOKEN,VM_TOKEN", "the Worker's secrets (wrangler secret bulk): worker_secrets ALLOWED_SENDERS,PUBLIC_URL,TWILIO_ACCOUNT_SID,TWILIO_AUTH_TOKEN,TWILIO_WHATSAPP_FROM,VM_MODE,VM_TOKEN,VM_URL"],
    },
    {
      name: "shared mode from nothing: every step",
      file: SHARED,
      found: NOTHING,
      expected: [
        "Cloudflare login: skip",
        "Fly login: skip",
        "R2 bucket whatsapp-agent-relay-media: create_bucket",
        "R2 bucket whatsapp-agent-relay-archive: create_bucket",
        "Fly app agents-test: create_fly_app",
        "Fly volume agent_data (iad, 10 GB): create_volume",
        "VM_TOKEN: make_vm_token",
        "Fly secrets of agents-test: fly_secrets ANTHROPIC_API_KEY,VM_TOKEN",
        "agent VM on agents-test: fly_deploy",
        "the Worker (wrangler deploy --env production): worker_deploy",
        "the Worker's secrets (wrangler secret bulk): worker_secrets ALLOWED_SENDERS,PUBLIC_URL,TWILIO_ACCOUNT_SID,TWILIO_AUTH_TOKEN,TWILIO_WHATSAPP_FROM,VM_MODE,VM_TOKEN,VM_URL",
        ...ALWAYS,
      ],
    },
    {
      name: "shared mode done: everything skipped",
      file: SHARED,
      found: SHARED_DONE,
      expected: SHARED_DONE_STEPS,
    },
    {
      name: "VM_TOKEN on the Worker only: a new one on both sides",
      file: SHARED,
      found: { ...SHARED_DONE, flySecrets: ["ANTHROPIC_API_KEY"] },
      expected: ["VM_TOKEN: make_vm_token", "Fly secrets of agents-test: fly_secrets VM_TOKEN", "the Worker's secrets (wrangler secret bulk): worker_secrets VM_TOKEN"],
    },
    {
      name: "a setting added to the file since: only it is put",
      file: { ...SHARED, ADMIN_SENDERS: "+15551230001" },
      found: SHARED_DONE,
      expected: ["the Worker's secrets (wrangler secret bulk): worker_secrets ADMIN_SENDERS"],
    },
    {
      name: "no PUBLIC_URL: the Worker is deployed again to learn it, and it is put",
      file: { ...SHARED, PUBLIC_URL: "" },
      found: { ...SHARED_DONE, workerSecrets: SHARED_DONE.workerSecrets!.filter((n) => n !== "PUBLIC_URL") },
      expected: ["the Worker (wrangler deploy --env production): worker_deploy", "the Worker's secrets (wrangler secret bulk): worker_secrets PUBLIC_URL"],
    },
    {
      name: "--update-secrets: every secret again, deploys left alone",
      file: SHARED,
      found: SHARED_DONE,
      flags: { updateSecrets: true },
      expected: [
        "Fly secrets of agents-test: fly_secrets ANTHROPIC_API_KEY",
        "agent VM on agents-test: skip",
        "the Worker's secrets (wrangler secret bulk): worker_secrets ALLOWED_SENDERS,PUBLIC_URL,TWILIO_ACCOUNT_SID,TWILIO_AUTH_TOKEN,TWILIO_WHATSAPP_FROM,VM_MODE,VM_URL",
      ],
    },
    {
      name: "machines mode from nothing: IPs, an image under FLY_APP, a deploy token, no volume, no VM_TOKEN on Fly",
      file: MACHINES,
      found: NOTHING,
      expected: [
        "Cloudflare login: skip",
        "Fly login: skip",
        "R2 bucket whatsapp-agent-relay-media: create_bucket",
        "R2 bucket whatsapp-agent-relay-archive: create_bucket",
        "Fly app agents-test: create_fly_app",
        "VM_TOKEN: make_vm_token",
        "Fly secrets of agents-test: fly_secrets ANTHROPIC_API_KEY",
        "public IPs of agents-test: allocate_ips",
        "agent image under agents-test: push_image",
        "FLY_API_TOKEN (a deploy token for agents-test): fly_deploy_token",
        "the Worker (wrangler deploy --env production): worker_deploy",
        "the Worker's secrets (wrangler secret bulk): worker_secrets ALLOWED_SENDERS,FLY_API_TOKEN,FLY_APP,FLY_IMAGE,FLY_REGIONS,PUBLIC_URL,TWILIO_ACCOUNT_SID,TWILIO_AUTH_TOKEN,TWILIO_WHATSAPP_FROM,VM_MODE,VM_TOKEN",
        ...ALWAYS,
      ],
    },
    {
      name: "machines mode done, --redeploy: a new image and FLY_IMAGE, the Worker deployed again",
      file: MACHINES,
      found: MACHINES_DONE,
      flags: { redeploy: true },
      expected: [
        "public IPs of agents-test: skip",
        "agent image under agents-test: push_image",
        "FLY_API_TOKEN (a deploy token for agents-test): skip",
        "the Worker (wrangler deploy --env production): worker_deploy",
        "the Worker's secrets (wrangler secret bulk): worker_secrets FLY_IMAGE",
      ],
    },
    {
      name: "Telegram: registered when the bot's webhook is elsewhere",
      file: TELEGRAM,
      found: { ...SHARED_DONE, workerSecrets: [...SHARED_DONE.workerSecrets!, "TELEGRAM_BOT_TOKEN", "TELEGRAM_WEBHOOK_SECRET"], telegramWebhook: "https://old.example/telegram/webhook" },
      expected: ["the Worker's secrets (wrangler secret bulk): skip", "Telegram webhook: telegram_webhook"],
    },
    {
      name: "Telegram: skipped when the bot's webhook is the relay's",
      file: TELEGRAM,
      found: { ...SHARED_DONE, workerSecrets: [...SHARED_DONE.workerSecrets!, "TELEGRAM_BOT_TOKEN", "TELEGRAM_WEBHOOK_SECRET"], telegramWebhook: "https://relay.example.workers.dev/telegram/webhook" },
      expected: ["Telegram webhook: skip"],
    },
  ])("$name", ({ file, found, flags, expected }) => {
    const got = summary(plan(file, found, flags));
    // A full row lists every step; a short one lists the steps it is about, in order.
    if (expected.length === got.length) expect(got).toEqual(expected);
    else expect(got.filter((line) => expected.some((e) => e.split(":")[0] === line.split(":")[0]))).toEqual(expected);
  });

  it("a VM_TOKEN in the file is the one put, not a new one", () => {
    const lines = describePlan(plan({ ...SHARED, VM_TOKEN: "ab".repeat(32) }, NOTHING));
    expect(lines.find((l) => l.includes("VM_TOKEN:"))).toMatch(/the one in \.production\.vars/);
    expect(lines.join("\n")).not.toContain("ab".repeat(32));
  });

  it("prints each step on one line, a stop with what to do (R2 off: one stop, no step per bucket)", () => {
    const lines = describePlan(plan(SHARED, { ...NOTHING, r2: "r2_off" }));
    expect(lines.filter((l) => l.includes("R2 bucket"))).toEqual([expect.stringMatching(/^ 3\. R2 buckets whatsapp-agent-relay-media, whatsapp-agent-relay-archive: STOP, R2 is off .*10042.*dashboard.*R2/)]);
  });

  it("prints an unchecked step with why and what it would run", () => {
    const lines = describePlan(plan(SHARED, { ...NOTHING, wranglerUser: null, flyUser: null }));
    expect(lines[0]).toBe(" 1. Cloudflare login: STOP, not logged in: run `npx wrangler login`, then this again");
    expect(lines[1]).toBe(" 2. Fly login: STOP, not logged in: run `fly auth login`, then this again");
    expect(lines[2]).toBe(" 3. R2 bucket whatsapp-agent-relay-media: not checked: not logged in to Cloudflare; when missing: create (npx wrangler r2 bucket create whatsapp-agent-relay-media)");
    expect(lines[3]).toBe(" 4. R2 bucket whatsapp-agent-relay-archive: not checked: not logged in to Cloudflare; when missing: create (npx wrangler r2 bucket create whatsapp-agent-relay-archive)");
    expect(lines.find((l) => l.includes("agent VM on"))).toMatch(/not checked: not logged in to Fly; when missing: deploy \(fly deploy -a agents-test/);
  });

  it.each([
    { name: "every step done or to do: nothing blocks", found: NOTHING, blocking: null },
    { name: "a login missing: its stop blocks", found: { ...NOTHING, flyUser: null }, blocking: "Fly login" },
    { name: "R2 off: its stop blocks", found: { ...NOTHING, r2: "r2_off" as const }, blocking: "R2 buckets whatsapp-agent-relay-media, whatsapp-agent-relay-archive" },
  ])("blockingStep: $name", ({ found, blocking }) => {
    expect(blockingStep(plan(SHARED, found))?.title ?? null).toBe(blocking);
  });
});

describe("the settings file", () => {
  it.each([
    [{ ...SHARED, FLY_APP: "" }, /FLY_APP is missing/],
    [{ ...SHARED, ANTHROPIC_API_KEY: "" }, /ANTHROPIC_API_KEY is missing/],
    [{ ...SHARED, TWILIO_AUTH_TOKEN: "" }, /go together/],
    [{ ...TELEGRAM, TELEGRAM_WEBHOOK_SECRET: "" }, /TELEGRAM_WEBHOOK_SECRET is missing/],
    [{ ...SHARED, VM_MODE: "both" }, /VM_MODE must be shared or machines/],
  ])("refuses %o", (file, problem) => {
    const read = readProductionVars(file);
    expect(read.ok).toBe(false);
    if (!read.ok) expect(read.problems.join("\n")).toMatch(problem);
  });

  it("refuses a name that is also a var of [env.production.vars]", () => {
    const read = readProductionVars({ ...SHARED, TWILIO_API_BASE: "https://api.twilio.com" });
    if (!read.ok) throw new Error("unexpected");
    const worker = workerSecretsFromFile(read.vars, ["TWILIO_API_BASE"]);
    expect(worker.ok).toBe(false);
    if (!worker.ok) expect(worker.problems[0]).toMatch(/TWILIO_API_BASE is a var of \[env\.production\.vars\]/);
  });

  it.each([
    [0o100600, null],
    [0o100400, null],
    [0o100644, /mode 0644/],
    [0o100640, /mode 0640/],
    [0o100620, /mode 0620/],
    [0o100604, /mode 0604/],
  ])("a file of mode %o: %s", (mode, problem) => {
    const got = varsFileModeProblem(mode);
    if (problem === null) expect(got).toBeNull();
    else expect(got).toMatch(problem);
  });

  it("keeps the model's key and git's credentials off the Worker", () => {
    const read = readProductionVars({ ...SHARED, GITHUB_TOKEN: "ghp_x" });
    if (!read.ok) throw new Error("unexpected");
    const worker = workerSecretsFromFile(read.vars, []);
    expect(worker.ok && Object.keys(worker.values)).not.toContain("ANTHROPIC_API_KEY");
    expect(worker.ok && Object.keys(worker.values)).not.toContain("GITHUB_TOKEN");
    expect(vmSecretsFromFile(read.vars)).toEqual({ ANTHROPIC_API_KEY: "sk-ant-x", GITHUB_TOKEN: "ghp_x" });
  });
});

describe("wrangler.toml's production environment, as the set-up reads it", () => {
  it("the repository's: its vars' names, and both buckets the Worker binds (MEDIA, ARCHIVE), in order", () => {
    const config = readProductionWranglerConfig(readFileSync(new URL("../../wrangler.toml", import.meta.url), "utf8"));
    expect(config.buckets).toEqual([MEDIA, ARCHIVE]);
    expect(config.vars).toEqual(["TWILIO_API_BASE", "TWILIO_MESSAGING_API_BASE"]);
  });

  it.each([
    { name: "only the production environment's buckets, a name bound twice once", toml: '[[r2_buckets]]\nbinding = "DEV"\nbucket_name = "dev-only"\n[env.production]\n[[env.production.r2_buckets]]\nbinding = "A"\nbucket_name = "a"\n[[env.production.r2_buckets]]\nbinding = "B"\nbucket_name = "b"\n[[env.production.r2_buckets]]\nbinding = "A2"\nbucket_name = "a"\n', buckets: ["a", "b"] },
    { name: "no buckets bound: none", toml: '[env.production]\nname = "x"\n', buckets: [] },
  ])("$name", ({ toml, buckets }) => {
    expect(readProductionWranglerConfig(toml).buckets).toEqual(buckets);
  });

  it.each([
    ["no [env.production]", 'name = "x"\n'],
    ["a bucket without its name", '[env.production]\n[[env.production.r2_buckets]]\nbinding = "A"\n'],
  ])("refuses %s", (_name, toml) => {
    expect(() => readProductionWranglerConfig(toml)).toThrow();
  });
});
