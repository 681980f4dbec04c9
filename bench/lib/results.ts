// Writes one bench run as JSON: bench/results/<name>-<time>.json and bench/results/latest.json.
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { RESULTS_DIR } from "./paths";

/** An ISO time that is also a portable file name (no colons). */
export function fileStamp(at: Date): string {
  return at.toISOString().replace(/:/g, "-").replace(/\.\d{3}Z$/, "Z");
}

export async function writeResults(name: string, at: Date, payload: unknown, dir = RESULTS_DIR): Promise<string> {
  await mkdir(dir, { recursive: true });
  const text = `${JSON.stringify(payload, null, 2)}\n`;
  const path = join(dir, `${name}-${fileStamp(at)}.json`);
  await writeFile(path, text);
  await writeFile(join(dir, "latest.json"), text);
  return path;
}
