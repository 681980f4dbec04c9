// What `npm start -- --machines` writes before its children start: the Worker's settings file,
// readable by its owner only; an earlier run's Machines, volumes and Worker state kept; and, once,
// what a version whose stand-in saved no Machines left (records of Machines nobody knows) removed.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { machinesLayout } from "../../scripts/stack/machines-plan";
import { writeMachinesFiles } from "../../scripts/stack/machines-setup";
import { DEFAULT_PORTS, localUrls } from "../../scripts/stack/stack-children";
import { machinesMode } from "./machines-mode";

const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A stand-in directory holding `entries` (directories, with a file inside, or files). */
function dataDirWith(...entries: Array<"volumes" | "wrangler-state" | "state.json">): string {
  const root = mkdtempSync(join(tmpdir(), "machines-setup-"));
  made.push(root);
  const dataDir = join(root, "fly");
  mkdirSync(dataDir);
  for (const entry of entries) {
    if (entry === "state.json") writeFileSync(join(dataDir, entry), '{"version":1,"machines":[],"volumes":[]}');
    else {
      mkdirSync(join(dataDir, entry, "inner"), { recursive: true });
      writeFileSync(join(dataDir, entry, "inner", "kept.txt"), "data");
    }
  }
  return dataDir;
}

describe("writeMachinesFiles", () => {
  it("keeps volumes and Worker state that go with the stand-in's saved Machines", () => {
    const dataDir = dataDirWith("volumes", "wrangler-state", "state.json");
    expect(writeMachinesFiles(machinesMode({ dataDir }), localUrls(DEFAULT_PORTS))).toEqual([]);
    const layout = machinesLayout(dataDir);
    expect(readFileSync(join(layout.volumes, "inner", "kept.txt"), "utf8")).toBe("data");
    expect(readFileSync(join(layout.workerState, "inner", "kept.txt"), "utf8")).toBe("data");
    expect(statSync(layout.workerEnvFile).mode & 0o777).toBe(0o600);
    expect(readFileSync(layout.workerEnvFile, "utf8")).toContain("VM_MODE=machines");
  });

  it("removes, once, what a run without saved Machines left, and says which", () => {
    const dataDir = dataDirWith("volumes", "wrangler-state");
    const layout = machinesLayout(dataDir);
    expect(writeMachinesFiles(machinesMode({ dataDir }), localUrls(DEFAULT_PORTS))).toEqual([layout.volumes, layout.workerState]);
    expect([existsSync(layout.volumes), existsSync(layout.workerState)]).toEqual([false, false]);
    expect(existsSync(layout.workerEnvFile)).toBe(true);
  });

  it("makes a new directory with the settings file alone", () => {
    const dataDir = join(dataDirWith(), "new");
    expect(writeMachinesFiles(machinesMode({ dataDir }), localUrls(DEFAULT_PORTS))).toEqual([]);
    expect(existsSync(machinesLayout(dataDir).workerEnvFile)).toBe(true);
  });
});
