// The local stack's wiring: every child gets the ports, credentials and token that make the others reach it.
import { describe, expect, it } from "vitest";
import type { ModelChoice } from "../../scripts/stack/model-choice";
import { planStack, simulatorUsers, type StackInput } from "../../scripts/stack/stack-plan";
import { CHILD_PORTS, DEFAULT_PORTS, type ChildName } from "../../scripts/stack/stack-children";
import { VARS } from "./local-vars";
import { machinesMode } from "./machines-mode";

const OFFLINE: ModelChoice = { kind: "offline", url: "http://127.0.0.1:8790" };

function plan(overrides: Partial<StackInput> = {}) {
  const children = planStack({
    root: "/repo",
    ports: DEFAULT_PORTS,
    vars: VARS,
    model: OFFLINE,
    mode: { kind: "shared", dataDir: "/repo/.data/vm" },
    baseEnv: { PATH: "/usr/bin", PORT: "3000", HOST: "laptop" },
    nodePath: "/usr/bin/node",
    wranglerCli: "/repo/node_modules/wrangler/bin/wrangler.js",
    runningAsRoot: false,
    ...overrides,
  });
  const child = (name: ChildName) => children.find((c) => c.name === name);
  return { children, child };
}

it("runs the offline model only without a credential, and every child from the repository root", () => {
  expect(plan().children.map((c) => c.name)).toEqual(["worker", "vm", "twilio", "model"]);
  expect(plan({ model: { kind: "real", credential: "ANTHROPIC_API_KEY" } }).children.map((c) => c.name)).toEqual(["worker", "vm", "twilio"]);
  expect(new Set(plan().children.map((c) => c.cwd))).toEqual(new Set(["/repo"]));
});

it("starts wrangler dev on 127.0.0.1:8787 without metrics, and health-checks it", () => {
  const worker = plan().child("worker")!;
  expect(worker.command).toBe("/usr/bin/node");
  expect(worker.args).toEqual([
    "/repo/node_modules/wrangler/bin/wrangler.js",
    "dev",
    "--ip",
    "127.0.0.1",
    "--port",
    "8787",
    "--show-interactive-dev-session=false",
    // Offline, voice notes go to the offline model's stand-in of Workers AI's Whisper.
    "--var",
    "TRANSCRIBER_URL:http://127.0.0.1:8790/ai/run/@cf/openai/whisper-large-v3-turbo",
    // And spoken replies are made by its stand-in of Workers AI's speech model.
    "--var",
    "SPEECH_URL:http://127.0.0.1:8790/ai/run/@cf/deepgram/aura-1",
    // And updates come every 20 s, within the offline model's minute of long work.
    "--var",
    "PROGRESS_AFTER_MS:20000",
    "--var",
    "PROGRESS_EVERY_MS:20000",
    // And a /handoff line names it for the laptop's claude.
    "--var",
    "LAPTOP_MODEL_URL:http://127.0.0.1:8790",
  ]);
  expect(plan({ model: { kind: "real", credential: "ANTHROPIC_API_KEY" } }).child("worker")!.args).not.toContain("--var");
  // npm start leaves the inspector's port to wrangler (9229 or the next free one).
  expect(worker.args.some((arg) => arg.startsWith("--inspector-port"))).toBe(false);
  expect(worker.env).toMatchObject({ WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false", PATH: "/usr/bin" });
  expect(worker.readyUrl).toBe("http://127.0.0.1:8787/health");
});

it("gives wrangler the inspector port it is given: test stacks starting together never both take 9229", () => {
  const args = plan({ inspectorPort: 24_108 }).child("worker")!.args;
  expect(args.slice(2, 9)).toEqual(["--ip", "127.0.0.1", "--port", "8787", "--show-interactive-dev-session=false", "--inspector-port", "24108"]);
  expect(args.filter((arg) => arg === "--inspector-port")).toHaveLength(1);
});

it("runs the VM as a user would (npm run vm) on loopback with the Worker's token, the data dir and the offline model", () => {
  const vm = plan().child("vm")!;
  expect([vm.command, ...vm.args]).toEqual(["npm", "run", "--silent", "vm"]);
  expect(vm.env).toMatchObject({
    PORT: "8080",
    HOST: "127.0.0.1",
    VM_TOKEN: "vm-secret",
    DATA_DIR: "/repo/.data/vm",
    IDLE_TIMEOUT_MS: "0",
    ANTHROPIC_BASE_URL: "http://127.0.0.1:8790",
    ANTHROPIC_API_KEY: "offline-model",
    DISABLE_TELEMETRY: "1",
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
    PATH: "/usr/bin",
  });
  expect(vm.env.IS_SANDBOX).toBeUndefined();
  expect(vm.env.ALLOW_SHARED_PROC).toBeUndefined();
  expect(vm.readyUrl).toBe("http://127.0.0.1:8080/health");
});

it("leaves the shell's real credential to the VM untouched", () => {
  const vm = plan({ model: { kind: "real", credential: "ANTHROPIC_API_KEY" }, baseEnv: { ANTHROPIC_API_KEY: "sk-ant-real" } }).child("vm")!;
  expect(vm.env.ANTHROPIC_API_KEY).toBe("sk-ant-real");
  expect(vm.env.ANTHROPIC_BASE_URL).toBeUndefined();
});

describe("VM environment choices", () => {
  it.each([
    ["root without IS_SANDBOX gets IS_SANDBOX=1, and ALLOW_SHARED_PROC=1 (one person's stack on the host's /proc)", { runningAsRoot: true }, { IS_SANDBOX: "1", ALLOW_SHARED_PROC: "1" }],
    ["root with another IS_SANDBOX value gets 1, the only one the CLI accepts", { runningAsRoot: true, baseEnv: { IS_SANDBOX: "yes" } }, { IS_SANDBOX: "1" }],
    ["not root: the shell's IS_SANDBOX, if any, is left alone", { baseEnv: { IS_SANDBOX: "yes" } }, { IS_SANDBOX: "yes" }],
    ["an IDLE_TIMEOUT_MS from the shell wins", { baseEnv: { IDLE_TIMEOUT_MS: "60000" } }, { IDLE_TIMEOUT_MS: "60000" }],
  ])("%s", (_name, overrides, expected) => {
    expect(plan(overrides).child("vm")!.env).toMatchObject(expected);
  });
});

it("gives the emulator the Worker's credentials and sender, posts to the Worker, and offers the allowed numbers", () => {
  const twilio = plan().child("twilio")!;
  expect(twilio.args).toEqual(["--import", "tsx", "emulator/main.ts"]);
  expect(twilio.env).toMatchObject({
    EMULATOR_PORT: "8788",
    EMULATOR_HOST: "127.0.0.1",
    TWILIO_ACCOUNT_SID: VARS.TWILIO_ACCOUNT_SID,
    TWILIO_AUTH_TOKEN: VARS.TWILIO_AUTH_TOKEN,
    TWILIO_WHATSAPP_FROM: VARS.TWILIO_WHATSAPP_FROM,
    RELAY_URL: "http://127.0.0.1:8787",
    EMULATOR_USERS: "+15551230001:Alice,+15551230002:Bob",
  });
  expect(twilio.readyUrl).toBe("http://127.0.0.1:8788/");
});

it("lets an EMULATOR_USERS from the shell name the simulator's people", () => {
  const twilio = plan({ baseEnv: { EMULATOR_USERS: "+15551230001:Ann" } }).child("twilio")!;
  expect(twilio.env.EMULATOR_USERS).toBe("+15551230001:Ann");
});

it("runs the offline model on its port", () => {
  const model = plan().child("model")!;
  expect(model.args).toEqual(["--import", "tsx", "test/stand-ins/anthropic-api-main.ts"]);
  expect(model.env).toMatchObject({ ANTHROPIC_STAND_IN_PORT: "8790", ANTHROPIC_STAND_IN_HOST: "127.0.0.1" });
});

it("follows other ports everywhere they appear", () => {
  const { child } = plan({ ports: { worker: 9001, vm: 9002, twilio: 9003, model: 9004, flyApi: 9005, flyProxy: 9006, telegram: 9007, github: 9008 }, model: { kind: "offline", url: "http://127.0.0.1:9004" } });
  expect(child("worker")!.args).toContain("9001");
  expect(child("vm")!.env).toMatchObject({ PORT: "9002", ANTHROPIC_BASE_URL: "http://127.0.0.1:9004" });
  expect(child("twilio")!.env).toMatchObject({ EMULATOR_PORT: "9003", RELAY_URL: "http://127.0.0.1:9001" });
  expect(child("model")!.env.ANTHROPIC_STAND_IN_PORT).toBe("9004");
});

describe("simulatorUsers", () => {
  it.each([
    ["the defaults keep their names", "+15551230001, +15551230002", "+15551230001:Alice,+15551230002:Bob"],
    ["other numbers are named by their number", "+447700900123", "+447700900123:+447700900123"],
    ["entries that are not E.164 are left out", "+15551230001,5551234,", "+15551230001:Alice"],
    ["nobody allowed: the emulator's own defaults", "", undefined],
  ])("%s", (_name, allowed, expected) => {
    expect(simulatorUsers(allowed)).toBe(expected);
  });
});

describe("machines mode", () => {
  const MACHINES = machinesMode({ apiToken: "fly-token" });

  it("runs the Fly stand-in instead of the one VM, and checks both of its ports", () => {
    const { children } = plan({ mode: MACHINES });
    expect(children.map((c) => c.name)).toEqual(["worker", "fly", "twilio", "model"]);
    expect(children.flatMap((c) => CHILD_PORTS[c.name])).toEqual(["worker", "flyApi", "flyProxy", "twilio", "model"]);
  });

  it("gives wrangler dev .dev.vars, then the machines settings over it, and Durable Objects of their own", () => {
    const worker = plan({ mode: MACHINES }).child("worker")!;
    const extra = worker.args.slice(worker.args.indexOf("--env-file"));
    expect(extra).toEqual(["--env-file", "/repo/.dev.vars", "--env-file", "/repo/.data/fly/worker-machines.env", "--persist-to", "/repo/.data/fly/wrangler-state"]);
    expect(worker.env.CLOUDFLARE_LOAD_DEV_VARS_FROM_DOT_ENV).toBe("true");
    // No secret on a command line: the API token is in the env file.
    expect(worker.args.join(" ")).not.toContain("fly-token");
    expect(plan().child("worker")!.args).not.toContain("--env-file");
  });
});
