// The settings `npm start` gives its Worker (wrangler.toml's [vars], `.dev.vars` as a fresh clone
// gets it from `.dev.vars.example`, the stack's own `--var` flags and, in machines mode, its env
// file) are all the relay needs: its GET /health, which the stack waits on, answers 200 with no
// credentials at all (src/config/config-check.ts), in both modes, with the Telegram stand-in.
import { readFileSync } from "node:fs";
import { parse as parseToml } from "smol-toml";
import { describe, expect, it } from "vitest";
import { describeProblem } from "../../src/config/config-check";
import { checkSettings } from "../../src/agent/relay-settings";
import { parseDotenv, readLocalVars } from "../../scripts/stack/dev-vars";
import { workerMachinesVars } from "../../scripts/stack/machines-plan";
import { planStack, type StackMode } from "../../scripts/stack/stack-plan";
import { DEFAULT_PORTS, localUrls } from "../../scripts/stack/stack-children";
import { freshTelegramSecrets } from "../../scripts/stack/stand-ins-setup";
import { chooseTelegram } from "../../scripts/stack/telegram-plan";
import { machinesMode } from "./machines-mode";

const root = new URL("../../", import.meta.url).pathname;
const devVarsText = readFileSync(`${root}.dev.vars.example`, "utf8");
const topLevelVars = (parseToml(readFileSync(`${root}wrangler.toml`, "utf8")) as { vars?: Record<string, string> }).vars ?? {};

/** `--var NAME:VALUE` flags as the Worker gets them. */
function varsOf(args: readonly string[]): Record<string, string> {
  const vars: Record<string, string> = {};
  args.forEach((arg, i) => {
    if (arg !== "--var") return;
    const flag = args[i + 1]!;
    vars[flag.slice(0, flag.indexOf(":"))] = flag.slice(flag.indexOf(":") + 1);
  });
  return vars;
}

function workerSettings(mode: StackMode): Record<string, string> {
  const local = readLocalVars(devVarsText);
  if (!local.ok) throw new Error(local.problems.join("; "));
  const children = planStack({
    root,
    ports: DEFAULT_PORTS,
    vars: local.vars,
    model: { kind: "offline", url: localUrls(DEFAULT_PORTS).model },
    mode,
    baseEnv: {},
    nodePath: "/usr/bin/node",
    wranglerCli: "wrangler.js",
    runningAsRoot: false,
    telegram: chooseTelegram({}, freshTelegramSecrets()),
  });
  const worker = children.find((c) => c.name === "worker")!;
  const machines = mode.kind === "machines" ? workerMachinesVars(localUrls(DEFAULT_PORTS), mode) : {};
  return { ...topLevelVars, ...parseDotenv(devVarsText), ...machines, ...varsOf(worker.args) };
}

describe("the local stack's Worker can take a message", () => {
  it.each<[string, StackMode]>([
    ["shared mode", { kind: "shared", dataDir: `${root}.data/vm` }],
    ["machines mode", machinesMode()],
  ])("%s: no setting missing or invalid", (_, mode) => {
    const settings = workerSettings(mode);
    expect(settings.TELEGRAM_BOT_TOKEN).toBeDefined();
    expect(checkSettings(settings).map(describeProblem)).toEqual([]);
  });
});
