// The cold-path benchmark as data: its rounds, texts, and its figures from the samples: medians of
// webhook → the model's first request for a new session (a spare takes it), a new conversation in a
// new workspace (the spare started when /new made it takes it), a resume after the CLI ended and a warm follow-up, beside a bare
// CLI's start and resume measured in the same rounds, and their differences and ratios. Pure.
import type { Figure } from "../lib/figures";
import { median } from "../lib/stats";

export const COLD_PATH_PHONE = "+15550062001";

/** A phone the relay has never seen, one a round: its first message is a new user's very first. */
export function newUserPhoneOf(round: number): string {
  return `+1555006${String(3000 + round).padStart(4, "0")}`;
}

/**
 * The stack's very first message, from a phone nobody has seen, before the bench's own phone: the
 * fresh VM's first user, whom its slot's spare (made at boot) is for. The rounds' new users come
 * after it and the bench's phone: the VM serves several by then, and each takes the slot it keeps.
 */
export const FIRST_USER_PHONE = "+15550064000";

/** The VM's WARM_SESSION_MS here: a conversation's CLI and a spare end this long after their last run, so a resume finds neither. */
export const BENCH_WARM_SESSION_MS = 5_000;

/** A person reading the reply before the next message. */
export const READ_MS = 1_000;

export function roundsOf(quick: boolean): number {
  return quick ? 2 : 7;
}

export type ColdKind = "new_session" | "new_workspace" | "warm" | "resume";
export const COLD_KINDS: readonly ColdKind[] = ["new_session", "new_workspace", "warm", "resume"];

/** A text no other turn sends, so the model request carrying it is this turn's. */
export function turnText(kind: ColdKind | "new_user" | "first_user" | "warm_up" | "bare_start" | "bare_resume", index: number, runId: string): string {
  return `bench cold path ${kind} ${index} ${runId}`;
}

/** One message's webhook → first model request (null: none seen), whether a spare took it, and its webhook → the VM's spawn (null: none). */
export type TimedFirst = { ms: number | null; spare: boolean; toSpawn: number | null };

/** One round: each path's webhook → first model request, and the bare CLI's spawn → first model request (ms; null: none seen). */
export type ColdRound = Record<ColdKind, number | null> & {
  bareStart: number | null;
  bareResume: number | null;
  /** Whether the VM handed the new session's run, and the new workspace's, a spare. */
  spareTaken: boolean;
  workspaceSpareTaken: boolean;
  /**
   * The resume's two hops, from the VM's timing marks: webhook → the VM spawned its CLI (the relay,
   * the VM's run manager, the files written for the process), and that spawn → the CLI's first
   * model request at the credential proxy (the CLI's start with the relay's tools). Null: no mark.
   */
  resumeToSpawn?: number | null;
  resumeCli?: number | null;
  /**
   * A new user's very first message (a phone the relay and the VM never saw, no directory, no CLI
   * of theirs): webhook → first model request, whether a spare took it, and its webhook → the
   * VM's spawn. Absent in rounds that did not send one.
   */
  new_user?: number | null;
  newUserSpareTaken?: boolean;
  newUserToSpawn?: number | null;
};

const present = (xs: readonly (number | null)[]) => xs.filter((x): x is number => x !== null);
const medianOf = (xs: readonly (number | null)[]): number | null => (present(xs).length === 0 ? null : median(present(xs)));
const ms = (x: number | null) => (x === null ? "n/a" : Math.round(x));

export function coldPathFigures(rounds: readonly ColdRound[], memory: { vmTreeMb: number; spareMb: number | null }, firstUser: TimedFirst | null = null): Figure[] {
  const section = "cold-path";
  const m = (kind: keyof ColdRound) => medianOf(rounds.map((r) => (r[kind] ?? null) as number | null));
  const bareStart = m("bareStart");
  const bareResume = m("bareResume");
  const newSession = m("new_session");
  const newWorkspace = m("new_workspace");
  const resume = m("resume");
  const over = (a: number | null, b: number | null) => (a === null || b === null ? null : a - b);
  const ratio = (a: number | null, b: number | null) => (a === null || b === null || b === 0 ? "n/a" : Math.round((a / b) * 100) / 100);
  const resumeOver = over(resume, bareResume);
  return [
    { section, name: "new session (/new; a spare takes it): webhook → first model request, p50", value: ms(newSession), unit: "ms", target: "≤ 300 ms", pass: newSession === null ? null : newSession <= 300, note: `${rounds.filter((r) => r.spareTaken).length}/${rounds.length} rounds took a spare; ${ratio(newSession, bareStart)}x the bare CLI's start` },
    { section, name: "new conversation in a new workspace (/new <name>; the spare made with it takes it): webhook → first model request, p50", value: ms(newWorkspace), unit: "ms", target: "≤ 300 ms", pass: newWorkspace === null ? null : newWorkspace <= 300, note: `${rounds.filter((r) => r.workspaceSpareTaken).length}/${rounds.length} rounds took a spare; ${ratio(newWorkspace, bareStart)}x the bare CLI's start` },
    ...(firstUser ? [firstUserFigure(firstUser, newWorkspace)] : []),
    newUserFigure(rounds, newWorkspace, bareStart),
    { section, name: "resume after the CLI ended: webhook → first model request, p50", value: ms(resume), unit: "ms", note: `${ratio(resume, bareResume)}x the bare CLI's resume` },
    { section, name: "resume over the bare CLI's resume, p50", value: ms(resumeOver), unit: "ms", target: "≤ 300 ms", pass: resumeOver === null ? null : resumeOver <= 300 },
    { section, name: "resume, hop: webhook → the VM spawned the CLI, p50", value: ms(m("resumeToSpawn")), unit: "ms", note: "the relay, the VM's run manager and the files written for the process" },
    { section, name: "resume, hop: the CLI's spawn → its first model request at the proxy, p50", value: ms(m("resumeCli")), unit: "ms", note: `the CLI's resume with the relay's tools: ${ms(over(m("resumeCli"), bareResume))} ms over the bare CLI's` },
    { section, name: "warm follow-up: webhook → first model request, p50", value: ms(m("warm")), unit: "ms", note: "its floors are judged in the warm-path section" },
    { section, name: "bare CLI start: spawn → first model request, p50", value: ms(bareStart), unit: "ms" },
    { section, name: "bare CLI resume: spawn → first model request, p50", value: ms(bareResume), unit: "ms" },
    { section, name: "VM process tree with its warm CLI and a spare (summed RSS)", value: memory.vmTreeMb, unit: "MB", note: memory.spareMb === null ? "no spare seen" : `the spare alone ${memory.spareMb} MB (its CLI)` },
  ];
}

/** The fresh stack's first message (FIRST_USER_PHONE): one sample a run, beside the rounds' new conversation. */
function firstUserFigure(first: TimedFirst, newConversation: number | null): Figure {
  const side = first.ms === null || newConversation === null ? "n/a" : `${Math.round(first.ms - newConversation)} ms over`;
  return {
    section: "cold-path",
    name: "a new user's first message on a fresh stack (the VM's first user; the slot's spare made at boot): webhook → first model request, one sample",
    value: ms(first.ms),
    unit: "ms",
    target: "≤ 300 ms",
    pass: first.ms === null ? null : first.ms <= 300,
    note: `${first.spare ? "a spare took it" : `no spare (webhook → the VM's spawn ${ms(first.toSpawn)} ms)`}; ${side} a new conversation (the rounds' p50)`,
  };
}

/**
 * A new user's very first message, side by side with a new conversation of a known user (the
 * same rounds): target ≤ 300 ms, as a new conversation's.
 */
function newUserFigure(rounds: readonly ColdRound[], newConversation: number | null, bareStart: number | null): Figure {
  const sent = rounds.filter((r) => r.new_user !== undefined);
  const value = medianOf(sent.map((r) => r.new_user ?? null));
  const toSpawn = medianOf(sent.map((r) => r.newUserToSpawn ?? null));
  const side = value === null || newConversation === null ? "n/a" : `${Math.round(value - newConversation)} ms over`;
  return {
    section: "cold-path",
    name: "a new user's first message (a phone never seen): webhook → first model request, p50",
    value: ms(value),
    unit: "ms",
    target: "≤ 300 ms",
    pass: value === null ? null : value <= 300,
    note: `${sent.filter((r) => r.newUserSpareTaken).length}/${sent.length} rounds took a spare; ${side} a new conversation (same rounds); webhook → the VM's spawn ${ms(toSpawn)} ms; the bare CLI's start ${ms(bareStart)} ms`,
  };
}
