// `npm start -- --machines`: its flag, its settings, what each Machine runs and is given, and the
// Worker's settings for the mode.
import { describe, expect, it } from "vitest";
import {
  envFileText,
  flyStandInChild,
  LOCAL_IDLE_MS,
  machineSecrets,
  parseStartArgs,
  readMachinesSettings,
  vmCommandOf,
  workerMachinesVars,
} from "../../scripts/stack/machines-plan";
import { parseDotenv } from "../../scripts/stack/dev-vars";
import { DEFAULT_PORTS, localUrls } from "../../scripts/stack/stack-children";
import { machinesMode } from "./machines-mode";

const urls = localUrls(DEFAULT_PORTS);
const MODE = machinesMode();

describe("parseStartArgs", () => {
  it.each([
    ["no flag: the shared VM, a line per message and per run", [], { ok: true, options: { machines: false, jsonLog: false } }],
    ["--machines", ["--machines"], { ok: true, options: { machines: true, jsonLog: false } }],
    ["--json-log: the Worker's JSON log as it comes", ["--json-log"], { ok: true, options: { machines: false, jsonLog: true } }],
    ["both", ["--json-log", "--machines"], { ok: true, options: { machines: true, jsonLog: true } }],
    ["anything else is refused, with the usage", ["--machine"], { ok: false, problem: "Unknown argument: --machine. Usage: npm start [-- --machines] [--json-log]" }],
    ["several unknown ones are all named", ["--machines", "-x", "y"], { ok: false, problem: "Unknown arguments: -x y. Usage: npm start [-- --machines] [--json-log]" }],
  ])("%s", (_name, argv, expected) => {
    expect(parseStartArgs(argv)).toEqual(expected);
  });
});

describe("readMachinesSettings", () => {
  it.each([
    ["nothing set: a minute, then suspend", {}, { MACHINE_IDLE_MS: LOCAL_IDLE_MS, MACHINE_IDLE_ACTION: "suspend" }],
    ["blank is unset", { MACHINE_IDLE_MS: " ", MACHINE_IDLE_ACTION: "" }, { MACHINE_IDLE_MS: LOCAL_IDLE_MS, MACHINE_IDLE_ACTION: "suspend" }],
    ["the shell's values", { MACHINE_IDLE_MS: "3000", MACHINE_IDLE_ACTION: "stop", MACHINE_RETIRE_DAYS: "0.5", ARCHIVE_AFTER_DAYS: "0.0003" }, { MACHINE_IDLE_MS: 3000, MACHINE_IDLE_ACTION: "stop", MACHINE_RETIRE_DAYS: 0.5, ARCHIVE_AFTER_DAYS: "0.0003" }],
  ])("%s", (_name, env, expected) => {
    expect(readMachinesSettings(env)).toEqual({ ok: true, settings: expected });
  });

  it.each([
    ["under the relay's 1000 ms floor", { MACHINE_IDLE_MS: "500" }, "MACHINE_IDLE_MS: must be at least 1000"],
    ["not a number", { MACHINE_IDLE_MS: "1m" }, "MACHINE_IDLE_MS: must be a whole number of milliseconds"],
    ["a fraction", { MACHINE_IDLE_MS: "1500.5" }, "MACHINE_IDLE_MS: must be a whole number of milliseconds"],
    ["an unknown action", { MACHINE_IDLE_ACTION: "hibernate" }, "MACHINE_IDLE_ACTION: must be suspend or stop"],
    ["no days", { MACHINE_RETIRE_DAYS: "0" }, "MACHINE_RETIRE_DAYS: must be more than 0"],
    ["no archive days", { ARCHIVE_AFTER_DAYS: "0" }, "ARCHIVE_AFTER_DAYS: must be more than 0"],
    ["archive days past the relay's six decimals", { ARCHIVE_AFTER_DAYS: "0.0000001" }, "ARCHIVE_AFTER_DAYS: must be a number of days"],
  ])("refuses %s", (_name, env, problem) => {
    expect(readMachinesSettings(env)).toEqual({ ok: false, problems: [problem] });
  });
});

describe("vmCommandOf", () => {
  it.each([
    ["vm/package.json's start script, with this Node", "node --expose-gc --no-opt --import tsx src/main.ts", ["/n/node", "--expose-gc", "--no-opt", "--import", "tsx", "src/main.ts"]],
    ["extra spaces", "  node   src/main.ts ", ["/n/node", "src/main.ts"]],
    ["not node", "tsx src/main.ts", null],
    ["a shell pipeline", "node src/main.ts | tee log", null],
    ["an environment assignment", "FOO=1 node src/main.ts", null],
    ["a quoted argument", "node --title 'vm' src/main.ts", null],
  ])("%s", (_name, script, expected) => {
    expect(vmCommandOf(script, "/n/node")).toEqual(expected);
  });
});

describe("machineSecrets", () => {
  const OFFLINE = { kind: "offline", url: "http://127.0.0.1:8790" } as const;

  it("gives each Machine the offline model as the shared VM gets it, IS_SANDBOX as root, and nothing else of the shell", () => {
    const secrets = machineSecrets({ PATH: "/usr/bin", HOME: "/root", TWILIO_AUTH_TOKEN: "x", DATA_DIR: "/x" }, OFFLINE, true);
    expect(secrets).toEqual({
      ANTHROPIC_BASE_URL: "http://127.0.0.1:8790",
      ANTHROPIC_API_KEY: "offline-model",
      DISABLE_TELEMETRY: "1",
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
      IS_SANDBOX: "1",
      ALLOW_SHARED_PROC: "1",
    });
    expect(machineSecrets({}, OFFLINE, false).IS_SANDBOX).toBeUndefined();
    expect(machineSecrets({}, OFFLINE, false).ALLOW_SHARED_PROC).toBeUndefined();
  });

  it("passes the shell's real credential, proxy and git settings, as the VM would pass them to its CLI", () => {
    const env = { ANTHROPIC_API_KEY: "sk-ant-real", CLAUDE_CODE_MAX_OUTPUT_TOKENS: "8000", HTTPS_PROXY: "http://proxy:3128", GITHUB_TOKEN: "ghp_x", VM_TOKEN: "never", IS_SANDBOX: "yes" };
    expect(machineSecrets(env, { kind: "real", credential: "ANTHROPIC_API_KEY" }, false)).toEqual({
      ANTHROPIC_API_KEY: "sk-ant-real",
      CLAUDE_CODE_MAX_OUTPUT_TOKENS: "8000",
      HTTPS_PROXY: "http://proxy:3128",
      GITHUB_TOKEN: "ghp_x",
      IS_SANDBOX: "yes",
    });
  });
});

describe("the Worker's settings", () => {
  it("are the contract's machines settings, pointed at the stand-in, written as an env file wrangler reads back", () => {
    const vars = workerMachinesVars(urls, { ...MODE, settings: { MACHINE_IDLE_MS: 3000, MACHINE_IDLE_ACTION: "stop", MACHINE_RETIRE_DAYS: 2, ARCHIVE_AFTER_DAYS: "0.5" } });
    expect(vars).toEqual({
      VM_MODE: "machines",
      FLY_API_TOKEN: "0123abcd",
      FLY_APP: "local-agents",
      FLY_API_BASE: "http://127.0.0.1:4280",
      FLY_PROXY_URL: "http://127.0.0.1:4281",
      FLY_IMAGE: "local/agent-vm:dev",
      MACHINE_IDLE_MS: "3000",
      MACHINE_IDLE_ACTION: "stop",
      MACHINE_RETIRE_DAYS: "2",
      ARCHIVE_AFTER_DAYS: "0.5",
    });
    expect(parseDotenv(envFileText(vars))).toEqual(vars);
    expect(workerMachinesVars(urls, MODE)).not.toHaveProperty("MACHINE_RETIRE_DAYS");
    expect(workerMachinesVars(urls, MODE)).not.toHaveProperty("ARCHIVE_AFTER_DAYS");
  });
});

describe("flyStandInChild", () => {
  const child = flyStandInChild({ root: "/repo", nodePath: "/usr/bin/node", host: "127.0.0.1", baseEnv: { PATH: "/usr/bin" }, urls, ports: DEFAULT_PORTS, mode: MODE });

  it("runs emulator/fly/main.ts through the launcher on the stand-in's ports, with the VM as every Machine's command", () => {
    expect([child.command, ...child.args]).toEqual([
      "/usr/bin/node", "--import", "tsx", "scripts/stack/fly-stand-in.ts",
      "--api-port", "4280", "--proxy-port", "4281", "--host", "127.0.0.1",
      "--data-dir", "/repo/.data/fly", "--app", "local-agents", "--command", JSON.stringify(MODE.vmCommand),
    ]);
    expect(child.cwd).toBe("/repo");
    expect(child.readyUrl).toBe("http://127.0.0.1:4280/__fly/faults");
  });

  it("hands the token and the secrets over in its environment, never on its command line", () => {
    expect(child.env).toEqual({ PATH: "/usr/bin", FLY_API_TOKEN: "0123abcd", FLY_STAND_IN_SECRETS: JSON.stringify(MODE.secrets) });
    expect(child.args.join(" ")).not.toMatch(/0123abcd|sk-ant/);
  });
});
