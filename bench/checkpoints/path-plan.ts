// The checkpoint-path benchmark as data: the two sides (the VM with checkpoints on, and off), the
// interleaved order of the samples, how many, the phones and the texts. Pure.

/** The agent VM as shipped (`CHECKPOINTS=on`) and the same VM recording nothing (`CHECKPOINTS=off`). */
export type CheckpointSide = "on" | "off";

export const SIDE_LABELS: Record<CheckpointSide, string> = { on: "checkpoints on", off: "checkpoints off" };

/**
 * The order of one round's two samples: on then off in even rounds, off then on in odd ones, so
 * neither side always follows the other (the one just served may still be finishing its turn).
 */
export function roundOrder(round: number): readonly CheckpointSide[] {
  return round % 2 === 0 ? ["on", "off"] : ["off", "on"];
}

/** Follow-ups per side (the issue asks for 10 or more; 20, as a shared machine moves single samples by 100 ms and more); one round is one of each. */
export function samplesPerSide(quick: boolean): number {
  return quick ? 3 : 20;
}

/** Turns per side before the samples: the first spawns the CLI, the others find it warm. */
export const WARM_UP_TURNS = 3;

/** One phone per relay (each relay reaches one of the two VMs). */
export const CHECKPOINT_PHONES: Record<CheckpointSide, string> = { on: "+15550031001", off: "+15550031002" };

/** The VM's setting for each side (vm/src/config.ts, `CHECKPOINTS`). */
export function vmEnvFor(side: CheckpointSide): Record<string, string> {
  return { CHECKPOINTS: side };
}

/** A text no other turn sends, so the model request carrying it is this turn's. */
export function turnText(side: CheckpointSide, kind: "warm_up" | "sample", index: number, runId: string): string {
  return `bench checkpoint path ${side} ${kind} ${index} ${runId}`;
}
