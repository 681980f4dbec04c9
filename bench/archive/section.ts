// A user's archive to R2 and the restore on a new VM: times and sizes (bench/archive/measure.ts).
import type { Section, SectionOutcome } from "../lib/section";

export const archiveSection: Section = {
  name: "archive",
  title: "agent VM's archive of a user (50 MB repository, two conversations, a 50-turn session): archive and restore times, sizes, an archived month's cost (medians)",
  async run({ quick, rounds, log }): Promise<SectionOutcome> {
    const { default: measure } = await import("./measure");
    const { figures, ...details } = await measure({ quick, rounds, log });
    return { status: "ok", figures, details };
  },
};
