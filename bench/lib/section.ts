// The shape every benchmark section has, so bench/run.ts can list, filter, run and report them alike.
import type { Figure } from "./figures";

export type SectionOptions = {
  /** A smoke run: few messages, one round, seconds not minutes. */
  quick: boolean;
  /** Measured rounds per side where a section alternates rounds. */
  rounds: number;
  log: (line: string) => void;
};

export type SectionOutcome =
  | { status: "ok"; figures: Figure[]; details: unknown }
  | { status: "skipped"; reason: string };

export type Section = {
  name: string;
  /** One line: what the section measures. */
  title: string;
  run(options: SectionOptions): Promise<SectionOutcome>;
};
