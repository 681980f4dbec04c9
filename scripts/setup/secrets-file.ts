// The set-up's only file of secrets (what `wrangler secret bulk` reads): a 0600 file in a
// directory of its own, removed on every way out. `finally` alone is not enough: `process.exit`
// (a failed step) skips it, and so do SIGINT and SIGTERM, whose handlers end in `process.exit`.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const open = new Set<string>();

function removeAll(): void {
  for (const dir of open) rmSync(dir, { recursive: true, force: true });
  open.clear();
}

/** Writes `values` as JSON to a fresh 0600 file, runs `use` on its path, and removes it, however the process ends. */
export async function withSecretsFile<T>(values: Record<string, string>, use: (path: string) => Promise<T>): Promise<T> {
  if (open.size === 0) process.once("exit", removeAll);
  const dir = mkdtempSync(join(tmpdir(), "setup-secrets-"));
  open.add(dir);
  try {
    const path = join(dir, "secrets.json");
    writeFileSync(path, JSON.stringify(values), { mode: 0o600 });
    return await use(path);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    open.delete(dir);
  }
}
