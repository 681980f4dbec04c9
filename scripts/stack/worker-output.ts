// What `npm start` keeps of wrangler's and workerd's own text (not the Worker's log): wrangler's
// start-up (its banner, its table of bindings, its warning that crons do not fire locally, its
// "Ready on") is left out, as is workerd's internal diagnostics (lines marked NOSENTRY), which are
// explained once. Pure: a line's text (colour codes removed) and the state in, what to show out.
// `npm start -- --json-log` bypasses it and shows everything as it came.

export type WorkerOutputState = {
  /** Inside a block left out whole: a table up to its blank line, or a warning's indented lines. */
  skipping: "table" | "indented" | null;
  /** The first of workerd's internal lines was explained; the others go silently. */
  explainedInternal: boolean;
};

export const WORKER_OUTPUT_START: WorkerOutputState = { skipping: null, explainedInternal: false };

/** Said once, in place of the first of workerd's internal lines. */
export const INTERNAL_NOTE = "workerd's internal diagnostics (lines marked NOSENTRY, such as a Durable Object's alarm being rescheduled) are left out from here on; npm start -- --json-log shows them.";

/** Start-up lines of wrangler dev that say nothing a user of the stack needs: `npm start` prints its own "Ready." with the URLs. */
const START_UP = [
  /^\s*⛅️ wrangler \d/,
  /^\s*─+\s*$/,
  /^Using (secrets|vars|environment variables) defined in /,
  /^⎔ Starting local server/,
  /^\[wrangler:info\] Ready on /,
  /^No bindings found\.?$/,
];
const TABLE_START = /has access to the following bindings:$/;
/** Wrangler's warning that cron triggers do not fire under `wrangler dev`: the relay's crons are its maintenance, nothing a local user waits for. */
const CRON_WARNING = /^▲ \[WARNING\] Scheduled Workers are not automatically triggered/;

export function stepWorkerOutput(state: WorkerOutputState, text: string): { state: WorkerOutputState; show: string | null } {
  const blank = text.trim() === "";
  if (state.skipping === "table") return { state: blank ? { ...state, skipping: null } : state, show: null };
  if (state.skipping === "indented") {
    if (blank || /^\s/.test(text)) return { state, show: null };
    state = { ...state, skipping: null };
  }
  if (blank || START_UP.some((pattern) => pattern.test(text))) return { state, show: null };
  if (TABLE_START.test(text)) return { state: { ...state, skipping: "table" }, show: null };
  if (CRON_WARNING.test(text)) return { state: { ...state, skipping: "indented" }, show: null };
  if (text.includes("NOSENTRY")) return state.explainedInternal ? { state, show: null } : { state: { ...state, explainedInternal: true }, show: INTERNAL_NOTE };
  return { state, show: text };
}
