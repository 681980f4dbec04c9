// The local stack's supervisor, run by `npm start` (scripts/start.ts): the Worker under wrangler dev,
// the agent VM (with `--machines`: the Fly stand-in, a Machine per phone), the Twilio emulator with
// the phone simulator, and the offline model when there is no credential; checks first, prefixed
// logs, and every child stopped on SIGINT or SIGTERM.
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chooseDataDir } from "./stack/data-dir";
import { parseDotenv, readLocalVars, type LocalVars } from "./stack/dev-vars";
import { parseStartArgs, readMachinesSettings, type MachinesSettings } from "./stack/machines-plan";
import { machinesModeFor, writeMachinesFiles } from "./stack/machines-setup";
import { chooseModel, describeModel } from "./stack/model-choice";
import { describeTakenPorts, findTakenPorts } from "./stack/ports";
import { guardAgentSockets, guardPath } from "./stack/reaper";
import { describeExit, launchStack, StackStartError } from "./stack/stack";
import { standInLines } from "./stack/stand-in-notes";
import { freshGithubPlan, freshTelegramSecrets, registerTelegramWebhook } from "./stack/stand-ins-setup";
import { readyLines, settingNotes } from "./stack/stack-notes";
import { allowedNumbers, planStack, simulatorUsers, type StackMode } from "./stack/stack-plan";
import { CHILD_PORTS, DEFAULT_PORTS, HOST, localUrls } from "./stack/stack-children";
import { namesOf, readableLines } from "./stack/readable-lines";
import { colourAllowed, coloured } from "./stack/colour";
import { chooseTelegram } from "./stack/telegram-plan";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const say = (line: string) => console.log(`[start]  ${line}`);

function exitWith(lines: string[]): never {
  lines.forEach((line) => console.error(`[start]  ${line}`));
  process.exit(1);
}

/** `.dev.vars`, created from the example on a fresh clone, parsed and checked. */
function loadDevVars(): LocalVars {
  const path = join(root, ".dev.vars");
  if (!existsSync(path)) {
    copyFileSync(join(root, ".dev.vars.example"), path);
    say("Created .dev.vars from .dev.vars.example: the emulator's credentials, Alice and Bob allowed.");
  }
  const local = readLocalVars(readFileSync(path, "utf8"));
  if (local.ok) return local.vars;
  return exitWith([".dev.vars is not usable:", ...local.problems.map((p) => `  ${p}`), "Fix it, or delete it to get a fresh copy."]);
}

const started = parseStartArgs(process.argv.slice(2));
if (!started.ok) exitWith([started.problem]);
const machinesSettings: MachinesSettings | null = started.options.machines ? settingsOrExit() : null;

function settingsOrExit(): MachinesSettings {
  const read = readMachinesSettings(process.env);
  if (read.ok) return read.settings;
  return exitWith(["The machines settings in your environment are not usable:", ...read.problems.map((p) => `  ${p}`)]);
}

const vars = loadDevVars();
const telegram = chooseTelegram(parseDotenv(readFileSync(join(root, ".dev.vars"), "utf8")), freshTelegramSecrets());
const urls = localUrls(DEFAULT_PORTS);
const model = chooseModel(process.env, urls.model);
const runningAsRoot = process.getuid?.() === 0;
// The shared VM's DATA_DIR, or the Fly stand-in's directory, whose volumes are the Machines' DATA_DIRs.
const dataDir = chooseDataDir({
  root,
  configured: machinesSettings ? process.env.FLY_EMULATOR_DATA_DIR : process.env.DATA_DIR,
  runningAsRoot,
  closedToOthers: (dir) => (statSync(dir).mode & 0o001) === 0,
  leaf: machinesSettings ? "fly" : "vm",
});
const mode: StackMode = machinesSettings
  ? machinesModeFor({ root, dataDir: dataDir.dir, settings: machinesSettings, model, baseEnv: process.env, runningAsRoot, nodePath: process.execPath })
  : { kind: "shared", dataDir: dataDir.dir };
// The GitHub stand-in's repositories, gone with this process however it ends (the reaper's watchdog if it is killed).
const githubDir = mkdtempSync(join(tmpdir(), "stack-github-"));
const releaseGithubDir = guardPath(githubDir);
// The sockets the agents' CLIs leave in /tmp (scripts/stack/agent-sockets.ts), swept the same ways.
const releaseAgentSockets = guardAgentSockets(Date.now());
process.on("exit", () => {
  rmSync(githubDir, { recursive: true, force: true, maxRetries: 3 });
  releaseGithubDir();
  releaseAgentSockets();
});
// A GITHUB_TOKEN of the shell's is the user's GitHub, kept for the VM.
const github = freshGithubPlan(githubDir, !process.env.GITHUB_TOKEN);
const specs = planStack({
  root,
  ports: DEFAULT_PORTS,
  vars,
  model,
  mode,
  baseEnv: process.env,
  nodePath: process.execPath,
  wranglerCli: join(dirname(createRequire(join(root, "package.json")).resolve("wrangler/package.json")), "bin", "wrangler.js"),
  runningAsRoot,
  telegram,
  github,
});

// Before anything starts (or is written): a second `npm start` must not leave half a stack behind.
const taken = await findTakenPorts(HOST, Object.fromEntries(specs.flatMap((spec) => CHILD_PORTS[spec.name]).map((port) => [port, DEFAULT_PORTS[port]])));
if (taken.length > 0) exitWith(describeTakenPorts(HOST, taken));

if (mode.kind === "machines") {
  const stale = writeMachinesFiles(mode, urls);
  if (stale.length > 0) say(`Removed ${stale.map((dir) => basename(dir)).join(" and ")} in ${mode.dataDir}: an earlier version's Machines mode left them, and its Fly stand-in kept no Machines to go with them. From now on they are kept across restarts.`);
}
say(describeModel(model));
if (!started.options.jsonLog) say("The Worker's log: a line per message, command and run, and what went wrong (npm start -- --json-log: all of it as it comes, wrangler's start-up and workerd's own notes too).");
if (dataDir.why === "outside_private_checkout") {
  say(
    machinesSettings
      ? `The Machines' volumes are in ${dataDir.dir}: this checkout is closed to other users, and the agents' own uids must pass each DATA_DIR's parents (FLY_EMULATOR_DATA_DIR=… to choose).`
      : `The VM's data is in ${dataDir.dir}: this checkout is closed to other users, and the agents' own uids must pass DATA_DIR's parents (DATA_DIR=… to choose).`,
  );
}
settingNotes(vars, urls, runningAsRoot && process.env.IS_SANDBOX !== "1", mode.kind).forEach(say);

// A line per message, command and run, unless `--json-log` asks for the Worker's log as it comes;
// colour codes only to a terminal (and never with NO_COLOR).
const readable = readableLines(namesOf(process.env.EMULATOR_USERS ?? simulatorUsers(vars.ALLOWED_SENDERS)), model.kind === "offline");
const colour = colourAllowed({ isTTY: process.stdout.isTTY === true, env: process.env });
const show = (line: string): string | null => {
  const shown = started.options.jsonLog ? line : readable(line, new Date().toTimeString().slice(0, 8));
  return shown === null ? null : coloured(shown, colour);
};

let stopping = false;
const stack = launchStack(specs, {
  write: (line) => {
    const shown = show(line);
    if (shown !== null) console.log(shown);
  },
  onUnexpectedExit: (name, exit) => {
    if (stopping) return;
    say(`The ${name} ${describeExit(exit)}; stopping the others.`);
    void shutDown(1);
  },
});

/**
 * The webhook registered with the Bot API once the Worker answers: the stand-in's (a failure is the
 * stack's own wiring, so it stops), or the user's bot of `.dev.vars` (a wrong or missing token
 * named in one line; WhatsApp goes on).
 */
async function setUpTelegram(): Promise<void> {
  const { lines, fatal } = await registerTelegramWebhook(telegram, urls);
  lines.forEach(say);
  if (fatal) await shutDown(1);
}

async function shutDown(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  say("Stopping…");
  await stack.stop();
  say("Stopped.");
  process.exit(code);
}

// One Ctrl-C can arrive twice (from the terminal and relayed by start.ts): the first one counts.
process.on("SIGINT", () => void shutDown(0));
process.on("SIGTERM", () => void shutDown(0));

try {
  await stack.ready;
  if (!stopping) await setUpTelegram();
  if (!stopping) readyLines(urls, model, allowedNumbers(vars.ALLOWED_SENDERS).valid, mode.kind === "machines" ? mode : null, standInLines(urls, telegram, github)).forEach(say);
} catch (error) {
  // A failed start has already stopped every child.
  if (!stopping) exitWith([error instanceof StackStartError ? `Could not start the stack: ${error.message}` : String(error)]);
}
