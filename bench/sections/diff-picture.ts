// The /diff picture: an 86-line diff drawn as a full PNG on the VM (bench/diff-picture/measure.ts).
import type { Section, SectionOutcome } from "../lib/section";

export const diffPictureSection: Section = {
  name: "diff-picture",
  title: "agent VM's /diff picture: an 86-line diff to a full PNG (SVG + resvg), median",
  async run({ quick, log }): Promise<SectionOutcome> {
    log("diff-picture: the fixture diff rendered in a child with the VM's node flags");
    const { default: measure } = await import("../diff-picture/measure");
    const { figures, ...details } = await measure({ quick });
    return { status: "ok", figures, details };
  },
};
