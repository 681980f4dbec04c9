// The relay Worker's upload: `wrangler deploy --dry-run --env production` (no network), figured as
// wrangler prints it ("Total Upload: … / gzip: …": every module it would upload, the SQL text
// modules included), with the share of the code and of the SQL modules beside it.
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { z } from "zod";
import { spawnGroup } from "./children";
import { WRANGLER_BIN } from "./paths";

export type BundleSize = {
  /** wrangler's Total Upload, raw and gzip (one gzip over every module, as its getSize counts it). */
  rawBytes: number;
  gzipBytes: number;
  /** wrangler's own "Total Upload: … / gzip: …" line, as printed. */
  wranglerSays: string;
  /** The JavaScript modules and the SQL text modules, each group gzipped alone (the two need not add up to the total). */
  parts: { code: ModuleGroup; sql: ModuleGroup };
  /** Bytes in the bundle by package or source folder, largest first. */
  largestInputs: { input: string; bytes: number }[];
};

export type ModuleGroup = { modules: number; rawBytes: number; gzipBytes: number };

const MetafileSchema = z.object({
  outputs: z.record(z.string(), z.object({ bytes: z.number(), inputs: z.record(z.string(), z.object({ bytesInOutput: z.number() })).optional() })),
});

const KIB = 1024;

/** wrangler's "Total Upload: 487.57 KiB / gzip: 162.53 KiB" (colours stripped), in bytes; null when absent. */
export function parseTotalUpload(output: string): { line: string; rawBytes: number; gzipBytes: number } | null {
  const plain = output.replace(/\x1b\[[0-9;]*m/g, "");
  const match = /Total Upload: ([\d.]+) KiB \/ gzip: ([\d.]+) KiB/.exec(plain);
  if (!match) return null;
  return { line: match[0], rawBytes: Math.round(Number(match[1]) * KIB), gzipBytes: Math.round(Number(match[2]) * KIB) };
}

export async function measureBundle(cwd: string, timeoutMs = 120_000): Promise<BundleSize> {
  const outdir = await mkdtemp(join(tmpdir(), "bench-bundle-"));
  try {
    const output = await run(process.execPath, [WRANGLER_BIN, "deploy", "--dry-run", "--env", "production", "--outdir", outdir, "--metafile", join(outdir, "meta.json")], cwd, timeoutMs);
    const total = parseTotalUpload(output);
    if (total === null) throw new Error(`wrangler deploy --dry-run printed no Total Upload line:\n${output.slice(-2000)}`);
    // Source maps are not counted in wrangler's total; the metafile is ours.
    const files = (await readdir(outdir)).filter((f) => !f.endsWith(".map") && f !== "meta.json" && f !== "README.md").sort();
    const meta = MetafileSchema.parse(JSON.parse(await readFile(join(outdir, "meta.json"), "utf8")));
    const group = async (names: string[]): Promise<ModuleGroup> => {
      const contents = await Promise.all(names.map((f) => readFile(join(outdir, f))));
      return { modules: names.length, rawBytes: contents.reduce((n, c) => n + c.length, 0), gzipBytes: gzipSync(Buffer.concat(contents)).length };
    };
    return {
      rawBytes: total.rawBytes,
      gzipBytes: total.gzipBytes,
      wranglerSays: total.line,
      parts: { code: await group(files.filter((f) => !f.endsWith(".sql"))), sql: await group(files.filter((f) => f.endsWith(".sql"))) },
      largestInputs: largestInputs(meta),
    };
  } finally {
    await rm(outdir, { recursive: true, force: true });
  }
}

/** Groups the bundle's inputs by npm package (node_modules/<pkg>) or first two path segments. */
export function largestInputs(meta: z.infer<typeof MetafileSchema>, top = 8): { input: string; bytes: number }[] {
  const totals = new Map<string, number>();
  for (const [name, output] of Object.entries(meta.outputs)) {
    if (name.endsWith(".map")) continue;
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs ?? {})) {
      const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1];
      const key = pkg ?? input.split("/").slice(0, 2).join("/");
      totals.set(key, (totals.get(key) ?? 0) + bytesInOutput);
    }
  }
  return [...totals].map(([input, bytes]) => ({ input, bytes })).sort((a, b) => b.bytes - a.bytes).slice(0, top);
}

function run(command: string, args: string[], cwd: string, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawnGroup(command, args, { cwd, env: { ...process.env, WRANGLER_SEND_METRICS: "false" }, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.pid !== undefined && process.kill(-child.pid, "SIGKILL"), timeoutMs);
    child.once("exit", (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(output);
      else reject(new Error(`wrangler deploy --dry-run exited with ${code}:\n${output.slice(-2000)}`));
    });
  });
}
