// `npm run soak -- --minutes N --seed S --senders K`, parsed strictly.
import { parseArgs } from "node:util";
import { z } from "zod";

export type SoakArgs = { minutes: number; seed: number; senders: number };

export const DEFAULT_MINUTES = 1;
/** A fixed default, so two plain `npm run soak` runs meet the same faults and senders and can be compared. */
export const DEFAULT_SEED = 20261122;
export const MAX_SENDERS = 6;

const SeedSchema = z.coerce.number().int().min(0).max(2 ** 32 - 1);

const ArgsSchema = z.object({
  minutes: z.coerce.number().min(1, "at least 1 minute, so every fault fits with the outages apart").max(120).default(DEFAULT_MINUTES),
  seed: z.union([z.literal("random"), SeedSchema]).default(DEFAULT_SEED),
  senders: z.coerce.number().int().min(1).max(MAX_SENDERS).default(MAX_SENDERS),
});

/** `--seed random` draws one with `randomSeed`; the seed is always reported, so any run can be replayed. */
export function parseSoakArgs(argv: string[], randomSeed: () => number): SoakArgs {
  const { values } = parseArgs({
    args: argv,
    options: { minutes: { type: "string" }, seed: { type: "string" }, senders: { type: "string" } },
    strict: true,
    allowPositionals: false,
  });
  const parsed = ArgsSchema.safeParse(values);
  if (!parsed.success) throw new Error(z.prettifyError(parsed.error));
  const { minutes, seed, senders } = parsed.data;
  return { minutes, seed: seed === "random" ? randomSeed() : seed, senders };
}
