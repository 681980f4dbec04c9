// `npm run setup:production` end to end against the stand-ins: the Fly Machines API (emulator/fly:
// the app and the volume are created there, and flyctl's deploy makes its Machine there), the Bot
// API (emulator/telegram: setWebhook, getWebhookInfo), GitHub's (emulator/github: whose
// GITHUB_TOKEN is, GET /user), a local answer of the Worker's /health, and
// wrangler and flyctl as test/stand-ins/deploy-clis.mjs (first on PATH), which keeps the account's
// state and records every call. Each run is the real script in a directory of its own.
import { execFile } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, copyFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFlyEmulator, type RunningFlyEmulator } from "../../emulator/fly/server";
import { startGithubEmulator, type RunningGithubEmulator } from "../../emulator/github/server";
import type { RunningTelegramEmulator } from "../../emulator/telegram/server";
import { createResources } from "../helpers/resources";
import { BOT_TOKEN, telegramResources } from "../emulator/telegram-helpers";

const REPO = fileURLToPath(new URL("../../", import.meta.url));
const SCRIPT = join(REPO, "scripts", "setup-production.ts");
const CLIS = join(REPO, "test", "stand-ins", "deploy-clis.mjs");
/** tsx by its path: the script runs in the operator's directory, where no node_modules is. */
const TSX = import.meta.resolve("tsx");
const FLY_TOKEN = "fo1_operator-token-for-the-stand-in";
const TWILIO_AUTH_TOKEN = "twilio-auth-token-never-printed";
const ANTHROPIC_API_KEY = "sk-ant-never-printed";
const WEBHOOK_SECRET = "w".repeat(40);
const GITHUB_TOKEN = "github_pat_operator_never_printed";

const resources = createResources();
const telegramSide = telegramResources();
afterAll(async () => {
  await telegramSide.resources.releaseAll();
  await resources.releaseAll();
});

let fly: RunningFlyEmulator;
let telegram: RunningTelegramEmulator;
let github: RunningGithubEmulator;
let healthUrl: string;
const root = resources.track(mkdtempSync(join(tmpdir(), "setup-production-")), (dir) => rmSync(dir, { recursive: true, force: true }));

beforeAll(async () => {
  fly = await resources.track(
    startFlyEmulator({ apiPort: 0, proxyPort: 0, dataDir: join(root, "fly"), apps: ["someone-elses-app"], tokens: [FLY_TOKEN], rateLimits: false, log: () => {} }),
    (f) => f.close(),
  );
  telegram = await telegramSide.start();
  github = await resources.track(startGithubEmulator({ accounts: [{ login: "operator", token: GITHUB_TOKEN }] }), (g) => g.close());
  // The Worker's GET /health, as the relay answers once it can take a message.
  const health = createServer((req, res) => res.writeHead(req.url === "/health" ? 200 : 404, { "content-type": "application/json" }).end(JSON.stringify({ ok: true })));
  await new Promise<void>((resolve) => health.listen(0, "127.0.0.1", resolve));
  resources.track(health, (s) => new Promise<void>((resolve) => { s.close(() => resolve()); s.closeAllConnections(); }));
  healthUrl = `http://127.0.0.1:${(health.address() as AddressInfo).port}`;
});

type Account = { wrangler: { loggedIn: boolean; r2: boolean }; fly: { loggedIn: boolean } };
type Call = { cli: string; args: string[]; stdin?: string };
type State = {
  calls: Call[];
  wrangler: { buckets: string[]; worker: { secrets: Record<string, string>; deploys: number } | null };
  fly: { secrets: Record<string, Record<string, string>>; ips: Record<string, string[]>; images: string[] };
};

/** A directory with wrangler.toml, the settings file, and the two CLIs' stand-ins on PATH. */
function operator(name: string, file: Record<string, string>, account: Account = { wrangler: { loggedIn: true, r2: true }, fly: { loggedIn: true } }) {
  const dir = join(root, name);
  mkdirSync(join(dir, "bin"), { recursive: true });
  copyFileSync(join(REPO, "wrangler.toml"), join(dir, "wrangler.toml"));
  writeFileSync(join(dir, ".production.vars"), Object.entries(file).map(([k, v]) => `${k}=${v}`).join("\n") + "\n");
  for (const cli of ["wrangler", "fly"]) {
    writeFileSync(join(dir, "bin", cli), `#!/bin/sh\nexec "${process.execPath}" "${CLIS}" ${cli} "$@"\n`);
    chmodSync(join(dir, "bin", cli), 0o755);
  }
  const statePath = join(dir, "state.json");
  writeFileSync(
    statePath,
    JSON.stringify({
      calls: [],
      wrangler: { loggedIn: account.wrangler.loggedIn, r2: account.wrangler.r2, email: "op@example.com", accountId: "0123456789abcdef0123456789abcdef", buckets: [], worker: null },
      fly: { loggedIn: account.fly.loggedIn, email: "op@example.com", token: FLY_TOKEN, secrets: {}, ips: {}, images: [] },
    }),
  );
  const run = (...args: string[]) =>
    new Promise<{ code: number; out: string }>((resolve) => {
      execFile(
        process.execPath,
        ["--import", TSX, SCRIPT, ...args],
        { cwd: dir, env: { ...process.env, PATH: `${join(dir, "bin")}:${process.env.PATH}`, DEPLOY_CLIS_STATE: statePath, FLY_API_BASE: fly.apiUrl }, timeout: 60_000 },
        (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, out: `${stdout}${stderr}` }),
      );
    });
  const state = () => JSON.parse(readFileSync(statePath, "utf8")) as State;
  return { dir, run, state, file: () => readFileSync(join(dir, ".production.vars"), "utf8") };
}

const flyGet = async (path: string) => {
  const res = await fetch(`${fly.apiUrl}/v1${path}`, { headers: { authorization: `Bearer ${FLY_TOKEN}` } });
  return { status: res.status, body: (await res.json()) as unknown };
};

const SHARED = () => ({
  FLY_APP: "agents-shared",
  FLY_REGIONS: "ams",
  TWILIO_ACCOUNT_SID: `AC${"0123456789abcdef".repeat(2)}`,
  TWILIO_AUTH_TOKEN,
  TWILIO_WHATSAPP_FROM: "whatsapp:+15550001111",
  ALLOWED_SENDERS: "+15551230001",
  ANTHROPIC_API_KEY,
  PUBLIC_URL: healthUrl,
  TELEGRAM_BOT_TOKEN: BOT_TOKEN,
  TELEGRAM_WEBHOOK_SECRET: WEBHOOK_SECRET,
  TELEGRAM_API_BASE: telegram.url,
  GITHUB_TOKEN,
  GITHUB_API_BASE: github.apiUrl,
});

const MUTATING = /^(wrangler (r2 bucket create|secret bulk|deploy)|fly (secrets import|deploy|ips allocate|tokens create))/;
const mutations = (calls: Call[]) => calls.map((c) => `${c.cli} ${c.args.join(" ")}`).filter((c) => MUTATING.test(c));

describe("npm run setup:production", () => {
  it("stops at the first login missing, saying what to run, and changes nothing", async () => {
    const cf = operator("logged-out-cf", SHARED(), { wrangler: { loggedIn: false, r2: true }, fly: { loggedIn: true } });
    const a = await cf.run();
    expect(a.code).toBe(1);
    expect(a.out).toContain("npx wrangler login");
    expect(cf.state().calls.map((c) => c.args.slice(0, 2).join(" "))).toEqual(["whoami --json"]);

    const flyOut = operator("logged-out-fly", SHARED(), { wrangler: { loggedIn: true, r2: true }, fly: { loggedIn: false } });
    const b = await flyOut.run();
    expect(b.code).toBe(1);
    expect(b.out).toContain("fly auth login");
    expect(mutations(flyOut.state().calls)).toEqual([]);
  });

  it("with R2 off (10042), names the dashboard switch and creates nothing", async () => {
    const op = operator("r2-off", SHARED(), { wrangler: { loggedIn: true, r2: false }, fly: { loggedIn: true } });
    const { code, out } = await op.run();
    expect(code).toBe(1);
    expect(out).toMatch(/R2 is off .*10042.*dashboard.*R2 Object Storage/);
    expect(mutations(op.state().calls)).toEqual([]);
    expect((await flyGet("/apps/agents-shared")).status).toBe(404);
  });

  it("with a GITHUB_TOKEN GitHub refuses, says so before anything is made", async () => {
    const op = operator("github-refused", { ...SHARED(), GITHUB_TOKEN: "github_pat_revoked" });
    const { code, out } = await op.run();
    expect(code).toBe(1);
    expect(out).toMatch(/GITHUB_TOKEN: GitHub refuses it \(401 Bad credentials\)/);
    expect(out).not.toContain("github_pat_revoked");
    expect(mutations(op.state().calls)).toEqual([]);
  });

  it("--dry-run prints the plan and runs nothing", async () => {
    const op = operator("dry-run", SHARED());
    const { code, out } = await op.run("--dry-run");
    expect(code, out).toBe(0);
    expect(out).toMatch(/R2 bucket whatsapp-agent-relay-media: create/);
    expect(out).toMatch(/Fly app agents-shared: create in org personal/);
    expect(out).toContain("--dry-run: nothing was run.");
    expect(mutations(op.state().calls)).toEqual([]);
    expect((await flyGet("/apps/agents-shared")).status).toBe(404);
    expect(op.file()).not.toContain("VM_TOKEN=");
  });

  it("shared mode from nothing: every step once, then a second run skips them all", async () => {
    const op = operator("shared", SHARED());
    const first = await op.run();
    expect(first.code, first.out).toBe(0);

    // The Fly side, in the Machines API stand-in: the app, its volume in the first region, one Machine on it.
    expect((await flyGet("/apps/agents-shared")).status).toBe(200);
    const volumes = (await flyGet("/apps/agents-shared/volumes")).body as { id: string; name: string; region: string; size_gb: number }[];
    expect(volumes.map((v) => [v.name, v.region, v.size_gb])).toEqual([["agent_data", "ams", 10]]);
    const machines = (await flyGet("/apps/agents-shared/machines")).body as { config: { mounts: { volume: string }[] } }[];
    expect(machines.map((m) => m.config.mounts[0]!.volume)).toEqual([volumes[0]!.id]);

    // VM_TOKEN: made once, shown once, written to the file, the same on both sides.
    const s = op.state();
    const token = /^VM_TOKEN=([0-9a-f]{64})$/m.exec(op.file())?.[1];
    expect(token).toBeDefined();
    expect(first.out.split(token!).length - 1).toBe(1);
    expect(s.fly.secrets["agents-shared"]).toEqual({ ANTHROPIC_API_KEY, GITHUB_TOKEN, GITHUB_API_BASE: github.apiUrl, VM_TOKEN: token });
    expect(first.out).toContain("GITHUB_TOKEN: GitHub knows it as operator");
    const secrets = s.wrangler.worker!.secrets;
    expect(secrets.VM_TOKEN).toBe(token);
    expect(secrets).toMatchObject({ VM_URL: "https://agents-shared.fly.dev", VM_MODE: "shared", TWILIO_AUTH_TOKEN, ALLOWED_SENDERS: "+15551230001", TELEGRAM_WEBHOOK_SECRET: WEBHOOK_SECRET });
    // The model's key stays on the VM's side; the set-up's own answers go nowhere.
    for (const vmOnly of ["ANTHROPIC_API_KEY", "GITHUB_TOKEN", "GITHUB_API_BASE"]) expect(Object.keys(secrets)).not.toContain(vmOnly);
    expect(Object.keys(secrets)).not.toContain("FLY_APP");
    expect(Object.keys(secrets)).not.toContain("TWILIO_API_BASE");
    expect(s.wrangler.buckets).toEqual(["whatsapp-agent-relay-media"]);
    expect(s.wrangler.worker!.deploys).toBe(1);
    expect(mutations(s.calls)).toContain("fly deploy -a agents-shared --ha=false --primary-region ams");

    // Telegram's webhook, with its secret, in the Bot API stand-in.
    expect(telegram.context.state.webhook).toMatchObject({ url: `${healthUrl}/telegram/webhook`, secretToken: WEBHOOK_SECRET });

    // What the operator pastes, and no secret in the output.
    expect(first.out).toContain(`${healthUrl}/twilio/inbound (HTTP POST)`);
    expect(first.out).toContain(`${healthUrl}/github/webhook`);
    expect(first.out).toMatch(/the relay's \/health: 200/);
    for (const secret of [TWILIO_AUTH_TOKEN, ANTHROPIC_API_KEY, WEBHOOK_SECRET, GITHUB_TOKEN]) expect(first.out).not.toContain(secret);

    // Again: each step says it is done, and nothing is changed.
    const before = op.state().calls.length;
    const second = await op.run();
    expect(second.code, second.out).toBe(0);
    expect(mutations(op.state().calls.slice(before))).toEqual([]);
    expect(second.out).toMatch(/✓ Fly volume agent_data \(ams, 10 GB\): exists \(1\)/);
    expect(second.out).toMatch(/✓ VM_TOKEN: set on the Worker and on Fly/);
    expect(second.out).toMatch(/✓ Telegram webhook: set to/);
    expect(second.out).not.toContain(token!);
  });

  it("machines mode from nothing: the image pushed under FLY_APP, FLY_IMAGE from what the push printed", async () => {
    const file = { ...SHARED(), FLY_APP: "agents-machines", VM_MODE: "machines", FLY_REGIONS: "iad,ord" };
    const op = operator("machines", file);
    const { code, out } = await op.run();
    expect(code, out).toBe(0);
    const s = op.state();
    const push = s.calls.find((c) => c.cli === "fly" && c.args[0] === "deploy")!;
    expect(push.args.slice(0, 5)).toEqual(["deploy", "--build-only", "--push", "-a", "agents-machines"]);
    const label = push.args[push.args.indexOf("--image-label") + 1];
    expect(s.wrangler.worker!.secrets).toMatchObject({
      VM_MODE: "machines",
      FLY_APP: "agents-machines",
      FLY_REGIONS: "iad,ord",
      FLY_IMAGE: `registry.fly.io/agents-machines:${label}`,
      FLY_API_TOKEN: "fm2_lJPECAAAAAAAAMRDxBBtestdeploytoken0123456789abcdef,fm2_lJPETESTSECONDPART==",
    });
    expect(s.wrangler.worker!.secrets.VM_TOKEN).toMatch(/^[0-9a-f]{64}$/);
    // Each Machine gets its own VM_TOKEN from the relay: the app's secrets hold the model's key only.
    expect(s.fly.secrets["agents-machines"]).toEqual({ ANTHROPIC_API_KEY, GITHUB_TOKEN, GITHUB_API_BASE: github.apiUrl });
    expect(s.fly.ips["agents-machines"]).toHaveLength(2);
    expect((await flyGet("/apps/agents-machines")).status).toBe(200);
    expect((await flyGet("/apps/agents-machines/volumes")).body).toEqual([]);
    expect((await flyGet("/apps/agents-machines/machines")).body).toEqual([]);
  });
});
