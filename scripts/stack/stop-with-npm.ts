// How a process npm runs stops with npm. A SIGINT or SIGTERM sent to npm's process alone (an IDE's
// stop button, a process manager, a CI runner's timeout) is passed on to the script's process;
// if npm or its shell is killed outright instead, the script's parent changes, and that counts
// as a SIGTERM. Used by `npm start` (scripts/start.ts) and the type check (scripts/typecheck.ts).

/** How often the parent is checked. */
const PARENT_CHECK_MS = 500;

/** Calls `stop` on SIGINT, SIGTERM, or the parent gone; returns what ends the watch. */
export function stopWithNpm(stop: (signal: NodeJS.Signals) => void): () => void {
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
  const parent = process.ppid;
  const watch = setInterval(() => {
    if (process.ppid !== parent) stop("SIGTERM");
  }, PARENT_CHECK_MS);
  return () => clearInterval(watch);
}
