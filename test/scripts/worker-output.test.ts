// What `npm start` keeps of wrangler's and workerd's own text: a line and the state in, what to
// show and the next state out. Pure, as a table.
import { describe, expect, it } from "vitest";
import { INTERNAL_NOTE, stepWorkerOutput, WORKER_OUTPUT_START, type WorkerOutputState } from "../../scripts/stack/worker-output";

const inTable: WorkerOutputState = { skipping: "table", explainedInternal: false };
const inWarning: WorkerOutputState = { skipping: "indented", explainedInternal: false };
const explained: WorkerOutputState = { skipping: null, explainedInternal: true };

describe("stepWorkerOutput", () => {
  it.each<[string, WorkerOutputState, string, string | null, WorkerOutputState]>([
    ["wrangler's banner", WORKER_OUTPUT_START, "⛅️ wrangler 4.164.0", null, WORKER_OUTPUT_START],
    ["its rule", WORKER_OUTPUT_START, "────────────────────", null, WORKER_OUTPUT_START],
    ["a blank line", WORKER_OUTPUT_START, "", null, WORKER_OUTPUT_START],
    ["where the secrets come from", WORKER_OUTPUT_START, "Using secrets defined in .dev.vars", null, WORKER_OUTPUT_START],
    ["the bindings table's title: the table starts", WORKER_OUTPUT_START, "Your Worker has access to the following bindings:", null, inTable],
    ["a binding", inTable, "env.PHONE_AGENT (PhoneAgent)        Durable Object      local", null, inTable],
    ["the table's end", inTable, "", null, WORKER_OUTPUT_START],
    ["the crons warning: its block starts", WORKER_OUTPUT_START, "▲ [WARNING] Scheduled Workers are not automatically triggered during local development.", null, inWarning],
    ["its indented lines", inWarning, '    curl "http://127.0.0.1:8787/cdn-cgi/local/scheduled"', null, inWarning],
    ["a line after it: shown, the block over", inWarning, "✘ [ERROR] Build failed", "✘ [ERROR] Build failed", WORKER_OUTPUT_START],
    ["starting", WORKER_OUTPUT_START, "⎔ Starting local server...", null, WORKER_OUTPUT_START],
    ["ready (npm start says its own Ready.)", WORKER_OUTPUT_START, "[wrangler:info] Ready on http://127.0.0.1:8787", null, WORKER_OUTPUT_START],
    ["workerd's first internal note: explained", WORKER_OUTPUT_START, "workerd/io/io-context.c++:412: info: NOSENTRY SQLite alarm handler canceled with requestScheduledAlarm.", INTERNAL_NOTE, explained],
    ["the next: left out", explained, "NOSENTRY output lock broke during alarm execution", null, explained],
    ["another warning: shown", WORKER_OUTPUT_START, "▲ [WARNING] Your compatibility date is in the future", "▲ [WARNING] Your compatibility date is in the future", WORKER_OUTPUT_START],
    ["the Worker's log: shown", WORKER_OUTPUT_START, '{"event":"message_queued"}', '{"event":"message_queued"}', WORKER_OUTPUT_START],
  ])("%s", (_name, state, text, show, next) => {
    expect(stepWorkerOutput(state, text)).toEqual({ state: next, show });
  });
});
