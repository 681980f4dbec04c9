// npm start's Telegram and GitHub stand-ins: each child's port and token, the Worker and the VM
// pointed at them, a bot of the user's own left alone, and what the user is told.
import { describe, expect, it } from "vitest";
import { LOCAL_GITHUB, type GithubPlan } from "../../scripts/stack/github-plan";
import { standInLines, webhookOutcomeLines } from "../../scripts/stack/stand-in-notes";
import { planStack, type StackInput } from "../../scripts/stack/stack-plan";
import { DEFAULT_PORTS, localUrls, type ChildName } from "../../scripts/stack/stack-children";
import { chooseTelegram, simulatorTelegramUsers, standInToken, webhookEnv } from "../../scripts/stack/telegram-plan";
import { readWebhookVars } from "../../scripts/stack/telegram-webhook-setup";
import { VARS } from "./local-vars";
import { machinesMode } from "./machines-mode";

// Secrets of the length the setup asks for (at least 32 characters), as freshTelegramSecrets makes them.
const FRESH = { token: standInToken("A".repeat(35)), webhookSecret: "0123456789abcdef".repeat(3) };
const OWN_SECRET = "own-bot-secret-".padEnd(32, "s");
const GITHUB: GithubPlan = { token: "ghp_owner", reviewerToken: "ghp_reviewer", dataDir: "/tmp/stack-github-x", vmUsesStandIn: true };
const urls = localUrls(DEFAULT_PORTS);

function plan(overrides: Partial<StackInput> = {}) {
  const children = planStack({
    root: "/repo",
    ports: DEFAULT_PORTS,
    vars: VARS,
    model: { kind: "offline", url: urls.model },
    mode: { kind: "shared", dataDir: "/repo/.data/vm" },
    baseEnv: { PATH: "/usr/bin" },
    nodePath: "/usr/bin/node",
    wranglerCli: "/repo/wrangler.js",
    runningAsRoot: false,
    telegram: chooseTelegram({}, FRESH),
    github: GITHUB,
    ...overrides,
  });
  return { children, child: (name: ChildName) => children.find((c) => c.name === name)! };
}

const varArgs = (args: string[]) => Object.fromEntries(args.flatMap((arg, i) => (args[i - 1] === "--var" ? [arg.split(/:(.*)/s).slice(0, 2)] : [])));

it("runs both stand-ins on ports of their own, beside the contract's", () => {
  expect(plan().children.map((c) => c.name)).toEqual(["worker", "vm", "twilio", "telegram", "github", "model"]);
  expect([DEFAULT_PORTS.worker, DEFAULT_PORTS.vm, DEFAULT_PORTS.twilio]).toEqual([8787, 8080, 8788]);
  expect(new Set(Object.values(DEFAULT_PORTS)).size).toBe(Object.values(DEFAULT_PORTS).length);
  expect(plan({ telegram: undefined, github: undefined }).children.map((c) => c.name)).toEqual(["worker", "vm", "twilio", "model"]);
});

it("gives the Bot API stand-in its token in the environment and health-checks it", () => {
  const telegram = plan().child("telegram");
  expect(telegram.args).toEqual(["--import", "tsx", "emulator/telegram/main.ts"]);
  expect(telegram.env).toMatchObject({ TELEGRAM_BOT_TOKEN: FRESH.token, TELEGRAM_EMULATOR_PORT: "8791", TELEGRAM_EMULATOR_HOST: "127.0.0.1" });
  expect(telegram.readyUrl).toBe("http://127.0.0.1:8791/");
});

it("points the Worker at the stand-in with its token and secret, and allows the simulator's users", () => {
  expect(varArgs(plan().child("worker").args)).toMatchObject({
    TELEGRAM_BOT_TOKEN: FRESH.token,
    TELEGRAM_WEBHOOK_SECRET: FRESH.webhookSecret,
    TELEGRAM_API_BASE: "http://127.0.0.1:8791",
    ALLOWED_TELEGRAM_USERS: "5550001,5550002",
    ADMIN_TELEGRAM_USERS: "5550001",
  });
  expect(plan().child("twilio").env).toMatchObject({ TELEGRAM_STAND_IN_URL: "http://127.0.0.1:8791", TELEGRAM_USERS: "5550001:Alice,5550002:Bob" });
});

it("keeps the allow-list of .dev.vars, and offers exactly those users in the simulator", () => {
  const telegram = chooseTelegram({ ALLOWED_TELEGRAM_USERS: "42,5550002", ADMIN_TELEGRAM_USERS: "42" }, FRESH);
  expect(varArgs(plan({ telegram }).child("worker").args)).toMatchObject({ ALLOWED_TELEGRAM_USERS: "42,5550002", ADMIN_TELEGRAM_USERS: "42" });
  expect(simulatorTelegramUsers(telegram)).toBe("42:42,5550002:Bob");
});

it("leaves a bot named in .dev.vars to the Worker, and registers its webhook at PUBLIC_URL", () => {
  const devVars = { TELEGRAM_BOT_TOKEN: "123:real", TELEGRAM_WEBHOOK_SECRET: OWN_SECRET, PUBLIC_URL: "https://tunnel.example" };
  const telegram = chooseTelegram(devVars, FRESH);
  expect(telegram.kind).toBe("own");
  expect(plan({ telegram }).child("worker").args.filter((a) => a.startsWith("TELEGRAM_"))).toEqual([]);
  expect(plan({ telegram }).child("telegram").env.TELEGRAM_BOT_TOKEN).toBe(FRESH.token);
  expect(webhookEnv(telegram, { worker: urls.worker, telegram: urls.telegram })).toEqual({ TELEGRAM_BOT_TOKEN: "123:real", TELEGRAM_WEBHOOK_SECRET: OWN_SECRET, TELEGRAM_API_BASE: undefined, PUBLIC_URL: "https://tunnel.example" });
  // A secret or API base without a token is a bot of the user's whose token is missing: named, not replaced.
  const missing = chooseTelegram({ TELEGRAM_WEBHOOK_SECRET: OWN_SECRET, PUBLIC_URL: "https://tunnel.example" }, FRESH);
  const read = readWebhookVars(webhookEnv(missing, urls));
  expect(read.ok).toBe(false);
  expect(webhookOutcomeLines(read.ok ? { ok: true, lines: [] } : { ok: false, problem: read.problem })).toEqual([
    "Telegram is not set up: TELEGRAM_BOT_TOKEN is missing: create a bot with @BotFather (/newbot) and put its token in .dev.vars or the environment",
  ]);
});

it("registers the stand-in's webhook at the local Worker with a token the setup accepts", () => {
  const env = webhookEnv(chooseTelegram({}, FRESH), urls);
  expect(env).toEqual({ TELEGRAM_BOT_TOKEN: FRESH.token, TELEGRAM_WEBHOOK_SECRET: FRESH.webhookSecret, TELEGRAM_API_BASE: "http://127.0.0.1:8791", PUBLIC_URL: "http://127.0.0.1:8787" });
  expect(readWebhookVars(env).ok).toBe(true);
});

describe("GitHub", () => {
  it("runs the stand-in with its tokens in the environment and its repositories in the start's directory", () => {
    const github = plan().child("github");
    expect(github.args).toEqual(["--import", "tsx", "scripts/stack/github-stand-in.ts", "--port", "8792", "--host", "127.0.0.1", "--data-dir", "/tmp/stack-github-x"]);
    expect(github.env).toMatchObject({ GITHUB_STAND_IN_TOKEN: "ghp_owner", GITHUB_STAND_IN_REVIEWER_TOKEN: "ghp_reviewer" });
    expect(github.args.join(" ")).not.toContain("ghp_");
    expect(github.readyUrl).toBe("http://127.0.0.1:8792/__github");
  });

  it("points the VM at the stand-in, unless the shell has a GITHUB_TOKEN of its own", () => {
    expect(plan().child("vm").env).toMatchObject({ GITHUB_TOKEN: "ghp_owner", GITHUB_URL: "http://127.0.0.1:8792", GITHUB_API_BASE: "http://127.0.0.1:8792/api/v3" });
    const own = plan({ github: { ...GITHUB, vmUsesStandIn: false }, baseEnv: { GITHUB_TOKEN: "ghp_real" } }).child("vm").env;
    expect(own.GITHUB_TOKEN).toBe("ghp_real");
    expect(own.GITHUB_URL).toBeUndefined();
  });

  it("tells the Worker where the stand-in is (so /github watch registers its webhook there), unless the VM uses the shell's own GitHub", () => {
    expect(plan().child("worker").args.join(" ")).toContain("--var GITHUB_STAND_IN_URL:http://127.0.0.1:8792");
    expect(plan({ github: { ...GITHUB, vmUsesStandIn: false } }).child("worker").args.join(" ")).not.toContain("GITHUB_STAND_IN_URL");
  });

  it("runs the stand-in beside the Fly stand-in in the machines mode too, each Machine's VM pointed at it", () => {
    expect(plan({ mode: machinesMode() }).children.map((c) => c.name)).toContain("github");
    const secrets = JSON.parse(plan({ mode: machinesMode() }).child("fly").env.FLY_STAND_IN_SECRETS!) as Record<string, string>;
    expect(secrets).toMatchObject({ GITHUB_TOKEN: "ghp_owner", GITHUB_URL: "http://127.0.0.1:8792", GITHUB_API_BASE: "http://127.0.0.1:8792/api/v3", ANTHROPIC_API_KEY: "sk-ant-from-the-shell" });
  });
});

it("names both stand-ins' URLs once ready, and how to try the GitHub loop", () => {
  const lines = standInLines(urls, chooseTelegram({}, FRESH), GITHUB);
  expect(lines[0]).toContain("Telegram         http://127.0.0.1:8791");
  expect(lines[0]).toContain("http://127.0.0.1:8788/?channel=telegram");
  expect(lines[1]).toContain(`GitHub           http://127.0.0.1:8792   (the stand-in: http://127.0.0.1:8792/${LOCAL_GITHUB.owner}/${LOCAL_GITHUB.repo}.git`);
  expect(lines[2]).toContain(`/github watch ${LOCAL_GITHUB.owner}/${LOCAL_GITHUB.repo} (its webhook is registered here by itself), ask for a change, /ship, then press "Fail the check"`);
  expect(standInLines(urls, undefined, { ...GITHUB, vmUsesStandIn: false })[1]).toContain("GITHUB_TOKEN of your shell");
  expect(webhookOutcomeLines({ ok: false, problem: "TELEGRAM_BOT_TOKEN is wrong: 401" })).toEqual(["Telegram is not set up: TELEGRAM_BOT_TOKEN is wrong: 401"]);
});
