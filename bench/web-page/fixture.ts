// A conversation's page as large as the bench asks: 500 messages (250 of the user's, 250 answers), 50
// runs with approvals, tool calls and changes, 30 days of spend. Texts of WhatsApp-like lengths, some with markup to
// escape, built from a seed so every run renders the same page.
import { seededRandom } from "../lib/seeded-random";
import type { ConversationsPage, RunView, ToolCallsView, TranscriptEntry } from "../../src/web/web-page-model";

const DAY_MS = 86_400_000;

const WORDS = ["fix", "the", "login", "test", "<script>", "&", "deploy", "README", "src/app.ts", "why", "does", "it", "fail", "\"quoted\"", "build", "ok", "done", "branch"];

const TOOLS = ["Bash", "Read", "Edit", "Write", "Grep"];

function toolCallsOf(count: number, listed: number, sentence: (words: number) => string): ToolCallsView {
  const calls = Array.from({ length: Math.min(count, listed) }, (_, i) => ({ tool: TOOLS[i % TOOLS.length]!, input: i % TOOLS.length === 0 ? `npm test -- ${sentence(4)}` : `src/${sentence(2).replace(/\W+/g, "-")}.ts` }));
  return { calls, more: count - calls.length };
}

export function largePage(opts: { messages: number; runs: number; now: number; seed?: number }): ConversationsPage {
  const next = seededRandom(opts.seed ?? 23).next;
  const sentence = (words: number) => Array.from({ length: words }, () => WORDS[Math.floor(next() * WORDS.length)]).join(" ");
  const start = opts.now - 20 * DAY_MS;
  const step = (20 * DAY_MS) / opts.messages;
  const entries: TranscriptEntry[] = [];
  // Half the user's, half answers (most the agent's, some the relay's), alternating.
  for (let i = 0; i < opts.messages; i++) {
    const fromUser = i % 2 === 0;
    entries.push({ at: start + i * step, from: fromUser ? "user" : next() < 0.9 ? "agent" : "relay", text: fromUser ? sentence(5 + Math.floor(next() * 25)) : sentence(20 + Math.floor(next() * 80)) });
  }
  const runs: RunView[] = Array.from({ length: opts.runs }, (_, i) => {
    const startedAt = start + i * (20 * DAY_MS / opts.runs);
    return {
      id: `run-${i}`,
      startedAt,
      endedAt: startedAt + Math.floor(next() * 300_000),
      costUsd: Math.round(next() * 500) / 1000,
      outcome: next() < 0.9 ? "done" : "failed_after_retries",
      approvals: i % 3 === 0 ? [{ tool: "Bash", description: `npm test -- ${sentence(3)}`, status: "allowed", answer: "yes", at: startedAt + 1000 }] : [],
      // 3–30 tool calls, as the object gives them (web-page-data.ts: the first 5 of the latest 10 runs, the rest counted).
      toolCalls: toolCallsOf(3 + Math.floor(next() * 28), i >= opts.runs - 10 ? 5 : 0, sentence),
      // Two runs in three change files (each with its diff's HTML in R2: the page shows the newest inline, not counted here).
      changes: i % 3 === 2 ? [] : [{ vmRunId: `run-${i}-1`, label: `the run for “${sentence(4)}”`, files: 1 + Math.floor(next() * 5), insertions: Math.floor(next() * 80), deletions: Math.floor(next() * 30), undone: false, truncated: false, diffHtmlKey: `diff/tag/run-${i}.html` }],
    };
  });
  const spendByDay = Array.from({ length: 30 }, (_, i) => ({ day: new Date(opts.now - (29 - i) * DAY_MS).toISOString().slice(0, 10), value: Math.round(next() * 3000) / 1000 }));
  return { kind: "conversations", phone: "+15550000150", timeZone: "Europe/Berlin", generatedAt: opts.now, conversations: [{ id: 1, name: "main", entries, runs, truncated: false }], spendByDay };
}

/** A token as long as a real one (`w1.c.<expiry>.<epoch>.<conversation>.<object id>.<HMAC>`): what each run's link holds. */
export const PAGE_TOKEN = `w1.c.1795533782.0.1.${"9d".repeat(32)}.${"1b".repeat(32)}`;
