// The relay Worker's deployable bundle: `wrangler deploy --dry-run` (no network), then gzip of what it would upload.
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { z } from "zod";
import { spawnGroup } from "./children";
import { WRANGLER_BIN } from "./paths";

export type BundleSize = {
  rawBytes: number;
  gzipBytes: number;
  /** wrangler's own "Total Upload: … / gzip: …" line, as printed. */
  wranglerSays: string | null;
  /** Bytes in the bundle by package or source folder, largest first. */
  largestInputs: { input: string; bytes: number }[];
};

const MetafileSchema = z.object({
  outputs: z.record(z.string(), z.object({ bytes: z.number(), inputs: z.record(z.string(), z.object({ bytesInOutput: z.number() })).optional() })),
});


export async function measureBundle(cwd: string, timeoutMs = 120_000): Promise<BundleSize> {
  const outdir = await mkdtemp(join(tmpdir(), "bench-bundle-"));
  try {
    const output = await run(process.execPath, [WRANGLER_BIN, "deploy", "--dry-run", "--outdir", outdir, "--metafile", join(outdir, "meta.json")], cwd, timeoutMs);
    // Source maps are not uploaded as code; the metafile is ours.
    const files = (await readdir(outdir)).filter((f) => !f.endsWith(".map") && f !== "meta.json" && f !== "README.md");
    // Sorted so the figure does not depend on readdir's order (gzip of a concatenation does).
    const contents = await Promise.all(files.sort().map((f) => readFile(join(outdir, f))));
    const meta = MetafileSchema.parse(JSON.parse(await readFile(join(outdir, "meta.json"), "utf8")));
    return {
      rawBytes: contents.reduce((n, c) => n + c.length, 0),
      // One gzip over every module, as wrangler's own "gzip:" figure (its getSize) and the
      // platform's compressed-size limit count it; a gzip per module would count each small
      // migration's header and dictionary again.
      gzipBytes: gzipSync(Buffer.concat(contents)).length,
      wranglerSays: /Total Upload:[^\n]*/.exec(output)?.[0] ?? null,
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
