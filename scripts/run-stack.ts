// The local stack's supervisor, run by `npm start` (scripts/start.ts): the Worker under wrangler dev,
// the agent VM, the Twilio emulator with the phone simulator, and the offline model when there is
// no credential; checks first, prefixed logs, and every child stopped on SIGINT or SIGTERM.
import { copyFileSync, existsSync, readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chooseDataDir } from "./stack/data-dir";
import { readLocalVars, type LocalVars } from "./stack/dev-vars";
import { chooseModel, describeModel } from "./stack/model-choice";
import { describeTakenPorts, findTakenPorts } from "./stack/ports";
import { describeExit, launchStack, StackStartError } from "./stack/stack";
import { readyLines, settingNotes } from "./stack/stack-notes";
import { allowedNumbers, DEFAULT_PORTS, HOST, localUrls, planStack } from "./stack/stack-plan";

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

const vars = loadDevVars();
const urls = localUrls(DEFAULT_PORTS);
const model = chooseModel(process.env, urls.model);
const runningAsRoot = process.getuid?.() === 0;
const dataDir = chooseDataDir({ root, configured: process.env.DATA_DIR, runningAsRoot, closedToOthers: (dir) => (statSync(dir).mode & 0o001) === 0 });
const specs = planStack({
  root,
  ports: DEFAULT_PORTS,
  vars,
  model,
  dataDir: dataDir.dir,
  baseEnv: process.env,
  nodePath: process.execPath,
  wranglerCli: join(dirname(createRequire(join(root, "package.json")).resolve("wrangler/package.json")), "bin", "wrangler.js"),
  runningAsRoot,
});

// Before anything starts: a second `npm start` must not leave half a stack behind.
const taken = await findTakenPorts(HOST, Object.fromEntries(specs.map((spec) => [spec.name, DEFAULT_PORTS[spec.name]])));
if (taken.length > 0) exitWith(describeTakenPorts(HOST, taken));

say(describeModel(model));
if (dataDir.why === "outside_private_checkout") say(`The VM's data is in ${dataDir.dir}: this checkout is closed to other users, and the agents' own uids must pass DATA_DIR's parents (DATA_DIR=… to choose).`);
settingNotes(vars, urls, runningAsRoot && process.env.IS_SANDBOX !== "1").forEach(say);

let stopping = false;
const stack = launchStack(specs, {
  write: (line) => console.log(line),
  onUnexpectedExit: (name, exit) => {
    if (stopping) return;
    say(`The ${name} ${describeExit(exit)}; stopping the others.`);
    void shutDown(1);
  },
});

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
  if (!stopping) readyLines(urls, model, allowedNumbers(vars.ALLOWED_SENDERS).valid).forEach(say);
} catch (error) {
  // A failed start has already stopped every child.
  if (!stopping) exitWith([error instanceof StackStartError ? `Could not start the stack: ${error.message}` : String(error)]);
}
