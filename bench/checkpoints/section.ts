// The VM's checkpoints: how long one takes in a 10,000-file repository with nothing changed (bench/checkpoints/measure.ts).
import type { Section, SectionOutcome } from "../lib/section";

export const checkpointsSection: Section = {
  name: "checkpoints",
  title: "agent VM's checkpoints: one of a 10,000-file repository with nothing changed (median)",
  async run({ quick, log }): Promise<SectionOutcome> {
    log("checkpoints: a 10,000-file repository, checkpoints before and after runs that change nothing");
    const { default: measure } = await import("./measure");
    const { figures, ...details } = await measure({ quick });
    return { status: "ok", figures, details };
  },
};
