// The agent VM's section: runs bench/vm-latency.ts (written with the VM) when it exists and
// adapts what it returns to the bench's figures; skipped with a clear line when it does not.
import { existsSync } from "node:fs";
import { z } from "zod";
import type { Figure } from "../lib/figures";
import type { Section, SectionOutcome } from "../lib/section";

export const VM_MODULE = new URL("../vm-latency.ts", import.meta.url);

type FigureLike = z.output<typeof FigureLikeSchema>;
const FigureLikeSchema = z.object({
  name: z.string().min(1),
  value: z.union([z.number(), z.string()]),
  unit: z.string().default(""),
  target: z.string().optional(),
  pass: z.boolean().nullable().optional(),
  note: z.string().optional(),
});

/** What the VM module may return: a list of figures, `{ figures, ...details }`, or a record of numbers. */
const VmResultSchema = z.union([
  z.array(FigureLikeSchema).transform((figures) => ({ figures, details: null as unknown })),
  z.object({ figures: z.array(FigureLikeSchema) }).loose().transform(({ figures, ...details }) => ({ figures, details: details as unknown })),
  z.record(z.string(), z.number()).transform((record) => ({ figures: Object.entries(record).map(([name, value]): FigureLike => ({ name, value, unit: "" })), details: null as unknown })),
]);

export function vmFigures(result: unknown): { figures: Figure[]; details: unknown } {
  const parsed = VmResultSchema.safeParse(result);
  if (!parsed.success) throw new Error(`bench/vm-latency.ts returned an unexpected shape:\n${z.prettifyError(parsed.error)}`);
  const figures = parsed.data.figures.map(({ pass, target, note, ...f }): Figure => ({
    section: "vm",
    ...f,
    ...(target !== undefined ? { target, pass: pass ?? null } : {}),
    ...(note !== undefined ? { note } : {}),
  }));
  return { figures, details: parsed.data.details };
}

/** The module's default export, else its one exported function, else the one named like the bench. */
export function pickEntry(module: Record<string, unknown>): ((options: { quick: boolean }) => Promise<unknown>) | null {
  if (typeof module.default === "function") return module.default as never;
  const functions = Object.entries(module).filter(([, v]) => typeof v === "function");
  if (functions.length === 1) return functions[0]![1] as never;
  const named = functions.find(([name]) => /bench|latency|measure/i.test(name));
  return named ? (named[1] as never) : null;
}

export const vmSection: Section = {
  name: "vm",
  title: "agent VM: added latency per run vs a bare CLI run, idle RSS (bench/vm-latency.ts)",
  async run({ quick, log }): Promise<SectionOutcome> {
    if (!existsSync(VM_MODULE)) return { status: "skipped", reason: "bench/vm-latency.ts does not exist yet (the VM's benchmark lands with the VM)" };
    const module = (await import(VM_MODULE.href)) as Record<string, unknown>;
    const entry = pickEntry(module);
    if (!entry) return { status: "skipped", reason: "bench/vm-latency.ts exports no benchmark function" };
    log("vm: running bench/vm-latency.ts");
    const { figures, details } = vmFigures(await entry({ quick }));
    return { status: "ok", figures, details };
  },
};
