// The stand-in's Machines and volumes on disk (`<data-dir>/state.json`): read once at start,
// written whole after every change, by a rename so a stand-in killed mid-write leaves the
// previous file whole.
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { type SavedState, SavedStateSchema } from "../core/saved-state";

export const stateFileOf = (dataDir: string) => join(dataDir, "state.json");

/** The saved state, or none on a first start; a file that does not read as one stops the start. */
export function readStateFile(path: string): SavedState {
  if (!existsSync(path)) return { version: 1, machines: [], volumes: [] };
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new Error(`${path} is not JSON (${error instanceof Error ? error.message : String(error)}); move it away to start with no Machines`);
  }
  const parsed = SavedStateSchema.safeParse(json);
  if (!parsed.success) throw new Error(`${path} is not the stand-in's state: ${z.prettifyError(parsed.error).replace(/\n/g, "; ")}; move it away to start with no Machines`);
  return parsed.data as SavedState;
}

export function writeStateFile(path: string, state: SavedState): void {
  const next = `${path}.next`;
  writeFileSync(next, JSON.stringify(state), { mode: 0o600 });
  renameSync(next, path);
}
