// `npm run setup:production` end to end against the stand-ins: the Fly Machines API (emulator/fly:
// the app and the volume are created there, and flyctl's deploy makes its Machine there), the Bot
// API (emulator/telegram: setWebhook, getWebhookInfo), GitHub's (emulator/github: whose
// GITHUB_TOKEN is, GET /user), a local answer of the Worker's /health, and
// wrangler and flyctl as test/stand-ins/deploy-clis.mjs (first on PATH), which keeps the account's
// state and records every call. Each run is the real script in a directory of its own.
import { execFile, spawn } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, copyFileSync } from "node:fs";
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

/** `buckets`: the R2 buckets the account has already (none when left out). */
type Account = { wrangler: { loggedIn: boolean; r2: boolean; buckets?: string[] }; fly: { loggedIn: boolean } };
type Call = { cli: string; args: string[]; stdin?: string };
type State = {
  calls: Call[];
  wrangler: { buckets: string[]; worker: { secrets: Record<string, string>; deploys: number } | null };
  fly: { secrets: Record<string, Record<string, string>>; ips: Record<string, string[]>; images: string[] };
};

/**
 * How `wrangler secret bulk` behaves: as the stand-in does, failing (after noting that its file was
 * there), or hanging (noting its pid first) until a signal ends it.
 */
type Bulk = "works" | "fails" | "hangs";
const BULK_SCRIPTS: Record<Exclude<Bulk, "works">, string> = {
  fails: 'if [ "$1 $2" = "secret bulk" ]; then test -f "$3" && echo "$3" > "$BULK_MARK"; echo "✘ [ERROR] A request to the Cloudflare API failed." >&2; exit 1; fi\n',
  hangs: 'if [ "$1 $2" = "secret bulk" ]; then test -f "$3" && echo "$$" > "$BULK_MARK"; exec sleep 60; fi\n',
};

/** A directory with wrangler.toml, the settings file (0600), the two CLIs' stand-ins on PATH, and a TMPDIR of its own. */
function operator(name: string, file: Record<string, string>, account: Account = { wrangler: { loggedIn: true, r2: true }, fly: { loggedIn: true } }, bulk: Bulk = "works") {
  const dir = join(root, name);
  mkdirSync(join(dir, "bin"), { recursive: true });
  mkdirSync(join(dir, "tmp"));
  copyFileSync(join(REPO, "wrangler.toml"), join(dir, "wrangler.toml"));
  writeFileSync(join(dir, ".production.vars"), Object.entries(file).map(([k, v]) => `${k}=${v}`).join("\n") + "\n");
  chmodSync(join(dir, ".production.vars"), 0o600);
  for (const cli of ["wrangler", "fly"]) {
    const before = cli === "wrangler" && bulk !== "works" ? BULK_SCRIPTS[bulk] : "";
    writeFileSync(join(dir, "bin", cli), `#!/bin/sh\n${before}exec "${process.execPath}" "${CLIS}" ${cli} "$@"\n`);
    chmodSync(join(dir, "bin", cli), 0o755);
  }
  const bulkMark = join(dir, "bulk-mark");
  const statePath = join(dir, "state.json");
  writeFileSync(
    statePath,
    JSON.stringify({
      calls: [],
      wrangler: { loggedIn: account.wrangler.loggedIn, r2: account.wrangler.r2, email: "op@example.com", accountId: "0123456789abcdef0123456789abcdef", buckets: account.wrangler.buckets ?? [], worker: null },
      fly: { loggedIn: account.fly.loggedIn, email: "op@example.com", token: FLY_TOKEN, secrets: {}, ips: {}, images: [] },
    }),
  );
  const env = { ...process.env, PATH: `${join(dir, "bin")}:${process.env.PATH}`, DEPLOY_CLIS_STATE: statePath, FLY_API_BASE: fly.apiUrl, TMPDIR: join(dir, "tmp"), BULK_MARK: bulkMark };
  const run = (...args: string[]) =>
    new Promise<{ code: number; out: string }>((resolve) => {
      execFile(process.execPath, ["--import", TSX, SCRIPT, ...args], { cwd: dir, env, timeout: 60_000 }, (error, stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, out: `${stdout}${stderr}` }),
      );
    });
  /** The set-up as a child to signal; `exited` gives its code and output. */
  const start = () => {
    const child = spawn(process.execPath, ["--import", TSX, SCRIPT], { cwd: dir, env, stdio: ["ignore", "pipe", "pipe"] });
    resources.track(child, (c) => void (c.exitCode === null && c.signalCode === null && c.kill("SIGKILL")));
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (out += chunk.toString()));
    const exited = new Promise<{ code: number | null; out: string }>((resolve) => child.on("close", (code) => resolve({ code, out })));
    return { child, exited };
  };
  const state = () => JSON.parse(readFileSync(statePath, "utf8")) as State;
  /** The set-up's temporary secrets directories still in its TMPDIR. */
  const secretsLeft = () => readdirSync(join(dir, "tmp")).filter((name) => name.startsWith("setup-secrets-"));
  return { dir, run, start, state, bulkMark, secretsLeft, file: () => readFileSync(join(dir, ".production.vars"), "utf8"), fileMode: () => statSync(join(dir, ".production.vars")).mode & 0o777 };
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

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const MUTATING = /^(wrangler (r2 bucket create|secret bulk|deploy)|fly (secrets import|deploy|ips allocate|tokens create))/;
const mutations = (calls: Call[]) => calls.map((c) => `${c.cli} ${c.args.join(" ")}`).filter((c) => MUTATING.test(c));

describe("npm run setup:production", () => {
  it("stops at the first login missing, saying what to run, and changes nothing", async () => {
    const cf = operator("logged-out-cf", SHARED(), { wrangler: { loggedIn: false, r2: true }, fly: { loggedIn: true } });
    const a = await cf.run();
    expect(a.code).toBe(1);
    expect(a.out).toContain("npx wrangler login");
    expect(a.out).toMatch(/\[setup\] Cloudflare login: not logged in: run `npx wrangler login`, then this again\n$/);
    // Only Cloudflare's login asked of wrangler; Fly's side read, nothing made.
    expect(cf.state().calls.filter((c) => c.cli === "wrangler").map((c) => c.args.slice(0, 2).join(" "))).toEqual(["whoami --json"]);
    expect(mutations(cf.state().calls)).toEqual([]);
    expect((await flyGet("/apps/agents-shared")).status).toBe(404);

    const flyOut = operator("logged-out-fly", SHARED(), { wrangler: { loggedIn: true, r2: true }, fly: { loggedIn: false } });
    const b = await flyOut.run();
    expect(b.code).toBe(1);
    expect(b.out).toContain("fly auth login");
    expect(mutations(flyOut.state().calls)).toEqual([]);
  });

  it("--dry-run logged in nowhere lists every step, what it would run, and which could not be checked", async () => {
    const op = operator("dry-run-logged-out", SHARED(), { wrangler: { loggedIn: false, r2: true }, fly: { loggedIn: false } });
    const { code, out } = await op.run("--dry-run");
    expect(code, out).toBe(0);
    expect(out).toContain(" 1. Cloudflare login: STOP, not logged in: run `npx wrangler login`");
    expect(out).toContain(" 2. Fly login: STOP, not logged in: run `fly auth login`");
    expect(out).toContain("R2 bucket whatsapp-agent-relay-media: not checked: not logged in to Cloudflare; when missing: create (npx wrangler r2 bucket create whatsapp-agent-relay-media)");
    expect(out).toContain("R2 bucket whatsapp-agent-relay-archive: not checked: not logged in to Cloudflare; when missing: create (npx wrangler r2 bucket create whatsapp-agent-relay-archive)");
    expect(out).toContain("Fly app agents-shared: not checked: not logged in to Fly; when missing: create in org personal");
    expect(out).toMatch(/agent VM on agents-shared: not checked: not logged in to Fly; when missing: deploy \(fly deploy -a agents-shared/);
    expect(out).toMatch(/the Worker's secrets \(wrangler secret bulk\): not checked: not logged in to Cloudflare or Fly; when missing: put .*VM_TOKEN/);
    expect(out).toContain("Telegram webhook: register");
    expect(out).toContain("the relay's /health: GET /health");
    expect(out).toContain("--dry-run: nothing was run.");
    expect(mutations(op.state().calls)).toEqual([]);
  });

  it("refuses a .production.vars others can read, in one line, before asking anything", async () => {
    const op = operator("vars-readable", SHARED());
    chmodSync(join(op.dir, ".production.vars"), 0o644);
    const { code, out } = await op.run("--dry-run");
    expect(code).toBe(2);
    expect(out.trim()).toBe("[setup] .production.vars can be read or written by others (mode 0644), and it holds every secret: run `chmod 600 .production.vars`, then this again");
    expect(op.state().calls).toEqual([]);
    chmodSync(join(op.dir, ".production.vars"), 0o640);
    expect((await op.run("--dry-run")).code).toBe(2);
  });

  it("a failed `wrangler secret bulk` leaves no temporary secrets behind", async () => {
    const op = operator("bulk-fails", { ...SHARED(), FLY_APP: "agents-bulk-fails" }, undefined, "fails");
    const { code, out } = await op.run();
    expect(code, out).toBe(1);
    expect(out).toContain("wrangler secret bulk");
    // The file was there while wrangler ran, and is gone with its directory.
    const path = readFileSync(op.bulkMark, "utf8").trim();
    expect(path).toMatch(/\/tmp\/setup-secrets-[^/]+\/secrets\.json$/);
    expect(existsSync(path)).toBe(false);
    expect(op.secretsLeft()).toEqual([]);
  });

  it.each([
    ["SIGINT", 130],
    ["SIGTERM", 143],
  ] as const)("%s during `wrangler secret bulk` ends it and leaves no temporary secrets behind", async (signal, exitCode) => {
    const op = operator(`bulk-${signal}`, { ...SHARED(), FLY_APP: `agents-bulk-${signal.toLowerCase()}` }, undefined, "hangs");
    const { child, exited } = op.start();
    const deadline = Date.now() + 90_000;
    while (!existsSync(op.bulkMark) || readFileSync(op.bulkMark, "utf8").trim() === "") {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`secret bulk never ran: ${(await exited).out}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(op.secretsLeft()).toHaveLength(1);
    const wranglerPid = Number(readFileSync(op.bulkMark, "utf8").trim());
    child.kill(signal);
    const { code, out } = await exited;
    expect(code, out).toBe(exitCode);
    expect(out).toContain(`stopped by ${signal}`);
    expect(op.secretsLeft()).toEqual([]);
    // The wrangler it was waiting for ended with it.
    const gone = Date.now() + 5_000;
    while (Date.now() < gone && isAlive(wranglerPid)) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(isAlive(wranglerPid)).toBe(false);
  });

  it("with R2 off (10042), names the dashboard switch and creates nothing", async () => {
    const op = operator("r2-off", SHARED(), { wrangler: { loggedIn: true, r2: false }, fly: { loggedIn: true } });
    const { code, out } = await op.run();
    expect(code).toBe(1);
    expect(out).toMatch(/R2 is off .*10042.*dashboard.*R2 Object Storage/);
    // One stop for the account, naming both buckets; the first bucket's answer said it for all.
    expect(out.match(/R2 is off/g)).toHaveLength(2); // in the plan, and as why it stopped
    expect(out).toContain("R2 buckets whatsapp-agent-relay-media, whatsapp-agent-relay-archive: STOP, R2 is off");
    expect(op.state().calls.filter((c) => c.args.slice(0, 3).join(" ") === "r2 bucket info").map((c) => c.args[3])).toEqual(["whatsapp-agent-relay-media"]);
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
    expect(out).toContain("R2 bucket whatsapp-agent-relay-media: create (npx wrangler r2 bucket create whatsapp-agent-relay-media)");
    expect(out).toContain("R2 bucket whatsapp-agent-relay-archive: create (npx wrangler r2 bucket create whatsapp-agent-relay-archive)");
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

    // VM_TOKEN: made once, shown once, written to the file (still 0600), the same on both sides.
    const s = op.state();
    const token = /^VM_TOKEN=([0-9a-f]{64})$/m.exec(op.file())?.[1];
    expect(token).toBeDefined();
    expect(op.fileMode()).toBe(0o600);
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
    expect(s.wrangler.buckets).toEqual(["whatsapp-agent-relay-media", "whatsapp-agent-relay-archive"]);
    expect(mutations(s.calls).filter((c) => c.startsWith("wrangler r2"))).toEqual(["wrangler r2 bucket create whatsapp-agent-relay-media", "wrangler r2 bucket create whatsapp-agent-relay-archive"]);
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
    expect(second.out).toContain("✓ R2 bucket whatsapp-agent-relay-media: exists");
    expect(second.out).toContain("✓ R2 bucket whatsapp-agent-relay-archive: exists");
    expect(second.out).toMatch(/✓ Fly volume agent_data \(ams, 10 GB\): exists \(1\)/);
    expect(second.out).toMatch(/✓ VM_TOKEN: set on the Worker and on Fly/);
    expect(second.out).toMatch(/✓ Telegram webhook: set to/);
    expect(second.out).not.toContain(token!);
  });

  it("the media bucket made before the archive was bound: only the archive bucket is created", async () => {
    const op = operator("archive-missing", { ...SHARED(), FLY_APP: "agents-archive-missing" }, { wrangler: { loggedIn: true, r2: true, buckets: ["whatsapp-agent-relay-media"] }, fly: { loggedIn: true } });
    const { code, out } = await op.run();
    expect(code, out).toBe(0);
    expect(out).toContain("✓ R2 bucket whatsapp-agent-relay-media: exists");
    expect(out).toContain("→ R2 bucket whatsapp-agent-relay-archive: created");
    const s = op.state();
    expect(mutations(s.calls).filter((c) => c.startsWith("wrangler r2"))).toEqual(["wrangler r2 bucket create whatsapp-agent-relay-archive"]);
    expect(s.wrangler.buckets).toEqual(["whatsapp-agent-relay-media", "whatsapp-agent-relay-archive"]);
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
