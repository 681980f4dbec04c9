// The plan card: what the user reads when the agent presents its plan (the CLI's ExitPlanMode,
// asked as an approval), its three answers as buttons and typed words, and what each makes of the
// run. Pure: approvals-unit.ts asks it as a question and carries the answer to the VM.
import type { NewQuestion } from "../questions/questions";
import type { PlanExitMode } from "../protocol/vm/approvals";
import { fitPrompt } from "./approval-text";
import type { Button, TapToast } from "../channels/channel";

/** Go ahead asking before each edit; go ahead with edits accepted; plan again with the user's next message. */
export type PlanChoice = "ask" | "accept" | "change";

/** What the VM hears for each choice: allow in that mode, or a deny that tells the agent to wait for the change. */
export const PLAN_EXIT: Record<Exclude<PlanChoice, "change">, PlanExitMode> = { ask: "default", accept: "acceptEdits" };

/** The agent's word for a declined plan: the user's change comes as the next message, planned again. */
export const PLAN_CHANGE_MESSAGE = "The user wants this plan changed and will say how in their next message. Do not carry it out; wait for their change and plan again.";

/** Button titles: WhatsApp's quick replies hold 20 characters. */
const TITLES: Record<PlanChoice, string> = { ask: "Go ahead, ask", accept: "Go, accept edits", change: "Change it" };

const WORDS: Record<string, PlanChoice> = {
  "1": "ask", "go ahead": "ask", go: "ask", ask: "ask", yes: "ask", "go ahead, ask": "ask", "go ahead ask": "ask",
  "2": "accept", accept: "accept", "accept edits": "accept", "go, accept edits": "accept", "go accept edits": "accept",
  "3": "change", change: "change", "change it": "change", no: "change",
};

export const planButtonPayload = (approvalId: number, choice: PlanChoice) => `plan:${approvalId}:${choice}`;

/** What a tapped plan card's button says (channels' TapToastOf). */
export function planTapToast(payload: string): TapToast | null {
  const choice = PLAN_PAYLOAD.exec(payload)?.[1] as PlanChoice | undefined;
  return choice ? { taken: PLAN_TAPS[choice] } : null;
}
const PLAN_PAYLOAD = /^plan:\d+:(ask|accept|change)$/;
const PLAN_TAPS: Record<PlanChoice, string> = { ask: "Going ahead, asking before edits ✓", accept: "Going ahead, edits accepted ✓", change: "Send your change ✓" };

export function planButtons(approvalId: number): Button[] {
  return (["ask", "accept", "change"] as const).map((choice) => ({ title: TITLES[choice], id: planButtonPayload(approvalId, choice) }));
}

export function parsePlanChoice(value: string): PlanChoice | null {
  return value === "ask" || value === "accept" || value === "change" ? value : null;
}

/** The plan's question: open until answered (or its run ends), as an approval's is. */
export function planQuestion(a: { id: number; conversationId: number; createdAt: number }): NewQuestion {
  const buttons = Object.fromEntries((["ask", "accept", "change"] as const).map((choice) => [planButtonPayload(a.id, choice), choice]));
  return { kind: "plan", ref: String(a.id), conversationId: a.conversationId, words: { ...WORDS }, buttons, nextMessageOnly: false, untilRun: false, askedAt: a.createdAt, expiresAt: null, detail: null };
}

/** The plan's text from the request's input (`plan`, the plan file's text as the CLI gives it). */
export function planOf(input: Record<string, unknown>): string {
  return typeof input.plan === "string" && input.plan.trim() !== "" ? input.plan.trim() : "(the agent gave no plan text)";
}

/** An open plan's answers as the page offers them: the card's, in full (a page's buttons have room). */
export const PLAN_PAGE_TITLES: Record<PlanChoice, string> = { ask: "Go ahead, ask before edits", accept: "Go ahead, accept edits", change: "Change it" };

/** The plan's text from its stored description (`Plan: <title>`, then the plan). */
export function planOfDescription(description: string): string {
  return description.startsWith("Plan: ") && description.includes("\n") ? description.slice(description.indexOf("\n") + 1) : description;
}

/** The plan's first line, without its heading marks: how the page and the log name it. */
export function planTitle(plan: string): string {
  return (plan.split("\n").find((line) => line.trim() !== "") ?? "").replace(/^#+\s*/, "").trim() || "a plan";
}

/** The card: who planned, the plan (cut to one message, with the page's link when cut), the three answers. */
export function planCard(p: { plan: string; conversation: string; prefix: string; maxChars: number; link: string | null; timeoutMs: number }): { body: string; cut: number } {
  const minutes = Math.max(1, Math.round(p.timeoutMs / 60_000));
  const head = `${p.prefix}📋 The agent's plan in ${p.conversation} (nothing changed yet):`;
  const tail = `Reply 1 (go ahead, ask before edits), 2 (go ahead, accept edits) or 3 (change it: then send your change). Not answered in ${minutes} min: not carried out.`;
  return fitPrompt({ head, text: p.plan, tail, maxChars: p.maxChars, link: p.link });
}

export function planAnswerReply(choice: PlanChoice, conversation: string): string {
  switch (choice) {
    case "ask":
      return `Going ahead with the plan in ${conversation}; the agent asks before each edit.`;
    case "accept":
      return `Going ahead with the plan in ${conversation}; edits go ahead without asking (other commands are still asked).`;
    case "change":
      return `OK: send your change, and the agent plans again in ${conversation}.`;
  }
}
