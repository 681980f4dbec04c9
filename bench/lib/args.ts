// The bench's command line: `--only relay,vm`, `--quick`, `--rounds N`, `--apart`; parsed strictly.
import { parseArgs } from "node:util";
import { z } from "zod";

/** `apart`: the edge's processes and the Machine's each on cores of their own (lib/children.ts). */
export type BenchArgs = { only: string[] | null; quick: boolean; rounds: number; apart: boolean };

const RoundsSchema = z.coerce.number().int().min(1).max(9);

/** `known` are the section names; an unknown name is an error, not a silent empty run. */
export function parseBenchArgs(argv: string[], known: readonly string[]): BenchArgs {
  const { values } = parseArgs({
    args: argv,
    options: {
      only: { type: "string", multiple: true },
      quick: { type: "boolean", default: false },
      rounds: { type: "string" },
      apart: { type: "boolean", default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  const only = values.only?.flatMap((v) => v.split(",")).map((v) => v.trim()).filter(Boolean) ?? null;
  const unknown = (only ?? []).filter((name) => !known.includes(name));
  if (unknown.length > 0) throw new Error(`unknown section ${unknown.join(", ")}; known: ${known.join(", ")}`);
  return { only: only && only.length > 0 ? only : null, quick: values.quick ?? false, rounds: RoundsSchema.parse(values.rounds ?? 3), apart: values.apart ?? false };
}
