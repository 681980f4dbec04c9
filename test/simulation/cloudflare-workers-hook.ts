// Node module hooks (module.register) for running the object's units in plain Node under tsx (the
// bench's simulation section): `cloudflare:workers` resolves to the simulation's stub, and a
// migration file (`*.sql`) loads as its text, as wrangler's module rule gives it in the Worker.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

type Resolve = (specifier: string, context: unknown) => Promise<{ url: string; shortCircuit?: boolean }>;
type Load = (url: string, context: unknown) => Promise<{ format?: string; source?: string | Buffer; shortCircuit?: boolean }>;

export async function resolve(specifier: string, context: unknown, next: Resolve) {
  if (specifier === "cloudflare:workers") return { url: new URL("./cloudflare-workers-stub.mjs", import.meta.url).href, shortCircuit: true };
  return next(specifier, context);
}

export async function load(url: string, context: unknown, next: Load) {
  if (url.endsWith(".sql")) return { format: "module", source: `export default ${JSON.stringify(readFileSync(fileURLToPath(url), "utf8"))};`, shortCircuit: true };
  return next(url, context);
}
