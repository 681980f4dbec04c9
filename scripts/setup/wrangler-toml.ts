// What the set-up reads from wrangler.toml's production environment: the names of its vars (which
// the Worker's secrets must not repeat) and the R2 buckets it binds (which must exist before the
// deploy, or the deploy fails on the binding). smol-toml, not wrangler's parser: importing wrangler
// costs seconds; test/scripts/production-config.test.ts checks this reading against wrangler's.
import { parse as parseToml } from "smol-toml";
import { z } from "zod";

export type ProductionWranglerConfig = {
  /** The names of [env.production.vars]. */
  vars: string[];
  /** The bucket_name of each [[env.production.r2_buckets]], in the file's order. */
  buckets: string[];
};

const ProductionEnv = z.object({
  env: z.object({
    production: z.object({
      vars: z.record(z.string(), z.unknown()).default({}),
      r2_buckets: z.array(z.object({ binding: z.string(), bucket_name: z.string().min(1) })).default([]),
    }),
  }),
});

/** wrangler.toml's text → its production vars' names and bucket names; throws on a file without [env.production]. */
export function readProductionWranglerConfig(text: string): ProductionWranglerConfig {
  const production = ProductionEnv.parse(parseToml(text)).env.production;
  return { vars: Object.keys(production.vars), buckets: [...new Set(production.r2_buckets.map((b) => b.bucket_name))] };
}
