// The worker projects' stand-ins (Twilio, the VM, the transcriber), plus the Fly Machines API
// stand-in and its proxy, whose Machines each run the VM stand-in as a process of their own.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { TestProject } from "vitest/node";
import { startFlyEmulator } from "../../emulator/fly/server";
import workerSetup from "../worker/global-setup";
import { FLY_TEST_APP, FLY_TEST_TOKEN } from "./machines-env";

declare module "vitest" {
  export interface ProvidedContext {
    flyApiUrl: string;
    flyProxyUrl: string;
  }
}

const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));
const MACHINE_COMMAND = [process.execPath, "--import", "tsx", "test/stand-ins/vm-stand-in-machine.ts"];

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const closeWorkerStandIns = await workerSetup(project);
  const dataDir = mkdtempSync(join(tmpdir(), "fly-machines-"));
  try {
    const lines: string[] = [];
    const fly = await startFlyEmulator({ apiPort: 0, proxyPort: 0, dataDir, apps: [FLY_TEST_APP], tokens: [FLY_TEST_TOKEN], command: MACHINE_COMMAND, cwd: REPO_ROOT, log: (line) => lines.push(line) });
    project.provide("flyApiUrl", fly.apiUrl);
    project.provide("flyProxyUrl", fly.proxyUrl);
    return async () => {
      await fly.close();
      rmSync(dataDir, { recursive: true, force: true });
      await closeWorkerStandIns();
    };
  } catch (error) {
    rmSync(dataDir, { recursive: true, force: true });
    await closeWorkerStandIns();
    throw error;
  }
}
