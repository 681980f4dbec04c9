// `wrangler deploy --dry-run --env production` builds what `npm run deploy` would upload, offline,
// and says nothing is wrong with the configuration: any `▲ [WARNING]` (a binding or var missing
// from env.production, a deprecated field…) fails, as a deploy would carry it to Cloudflare.
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, expect, it } from "vitest";

const REPO = fileURLToPath(new URL("../../", import.meta.url));
const WRANGLER = join(dirname(createRequire(import.meta.url).resolve("wrangler/package.json")), "bin", "wrangler.js");
const outdir = mkdtempSync(join(tmpdir(), "dry-run-"));
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

function dryRun(): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WRANGLER, "deploy", "--dry-run", "--env", "production", "--outdir", outdir], {
      cwd: REPO,
      // No login, no metrics, no colours: what CI sees.
      env: { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_API_TOKEN: "", FORCE_COLOR: "0", NO_COLOR: "1", CI: "true" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, output }));
  });
}

it("builds the production Worker with no warning", async () => {
  const { code, output } = await dryRun();
  // Colour codes could split the marker: compare without them.
  const plain = output.replace(/\u001b\[[0-9;]*m/g, "");
  expect(code, plain).toBe(0);
  const warnings = plain.split("\n").filter((line) => /▲ \[WARNING\]/.test(line));
  expect(warnings, plain).toEqual([]);
  expect(plain).toMatch(/Total Upload: [\d.]+ KiB \/ gzip: [\d.]+ KiB/);
  // The production bindings are all there (AI only in production).
  for (const binding of ["env.PHONE_AGENT", "env.USER_DIRECTORY", "env.MEDIA", "env.AI"]) expect(plain).toContain(binding);
  expect(readdirSync(outdir)).toContain("index.js");
}, 120_000);
