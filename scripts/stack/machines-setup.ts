// What `npm start -- --machines` prepares before its children start: the mode's settings (the
// VM's command from vm/package.json, a new Machines API token), then on disk the Worker's
// settings file, readable by its owner only. An earlier run's volumes, the stand-in's saved
// Machines and the Worker's state are kept: together they carry on where that run stopped, as
// Fly and Cloudflare keep them across a deploy. Used by the end-to-end tests too.
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { envFileText, machineSecrets, machinesLayout, vmCommandOf, workerMachinesVars, type MachinesMode, type MachinesSettings } from "./machines-plan";
import type { ModelChoice } from "./model-choice";
import type { StackUrls } from "./stack-children";

export function machinesModeFor(input: {
  root: string;
  dataDir: string;
  settings: MachinesSettings;
  model: ModelChoice;
  baseEnv: Readonly<Record<string, string | undefined>>;
  runningAsRoot: boolean;
  nodePath: string;
}): MachinesMode {
  const manifest = JSON.parse(readFileSync(join(input.root, "vm/package.json"), "utf8")) as { scripts?: { start?: unknown } };
  const start = typeof manifest.scripts?.start === "string" ? manifest.scripts.start : "";
  const vmCommand = vmCommandOf(start, input.nodePath);
  if (!vmCommand) throw new Error(`vm/package.json's start script is not one plain node command: ${JSON.stringify(start)}`);
  return {
    kind: "machines",
    dataDir: input.dataDir,
    apiToken: randomBytes(24).toString("hex"),
    settings: input.settings,
    vmCommand,
    secrets: machineSecrets(input.baseEnv, input.model, input.runningAsRoot),
  };
}

/** Returns what an earlier version's run left and this one removed (see below). */
export function writeMachinesFiles(mode: MachinesMode, urls: StackUrls): string[] {
  const layout = machinesLayout(mode.dataDir);
  // Before the stand-in saved its Machines, a run left volumes and Worker state whose records name
  // Machines no stand-in knows (that version removed them at each start): removed once, so the
  // users' objects do not report their files lost. Only the directories this mode owns.
  const stale = existsSync(layout.standInState) ? [] : [layout.volumes, layout.workerState].filter((dir) => existsSync(dir));
  for (const dir of stale) rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  mkdirSync(mode.dataDir, { recursive: true });
  // Replaced, not edited in place, so its mode is 600 even when an earlier file had another.
  rmSync(layout.workerEnvFile, { force: true });
  writeFileSync(layout.workerEnvFile, envFileText(workerMachinesVars(urls, mode)), { mode: 0o600 });
  return stale;
}
