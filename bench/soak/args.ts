// `npm run soak -- --minutes N --seed S --senders K`, parsed strictly.
import { parseArgs } from "node:util";
import { z } from "zod";

export type SoakArgs = { minutes: number; seed: number; senders: number };

export const DEFAULT_MINUTES = 1;
export const MAX_SENDERS = 6;

const ArgsSchema = z.object({
  minutes: z.coerce.number().min(0.75, "at least 0.75 minutes, so every fault fits").max(120).default(DEFAULT_MINUTES),
  seed: z.coerce.number().int().min(0).max(2 ** 32 - 1).optional(),
  senders: z.coerce.number().int().min(1).max(MAX_SENDERS).default(MAX_SENDERS),
});

/** `randomSeed` is used when no `--seed` is given; the seed is always reported, so a run can be replayed. */
export function parseSoakArgs(argv: string[], randomSeed: () => number): SoakArgs {
  const { values } = parseArgs({
    args: argv,
    options: { minutes: { type: "string" }, seed: { type: "string" }, senders: { type: "string" } },
    strict: true,
    allowPositionals: false,
  });
  const parsed = ArgsSchema.safeParse(values);
  if (!parsed.success) throw new Error(z.prettifyError(parsed.error));
  return { minutes: parsed.data.minutes, seed: parsed.data.seed ?? randomSeed(), senders: parsed.data.senders };
}
