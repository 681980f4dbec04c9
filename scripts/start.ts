// `npm start [-- --machines]`: runs the local stack's supervisor (scripts/run-stack.ts) as a plain Node process.
// package.json runs this file as `exec node --import tsx …`: npm's shell is replaced by this
// process, so the SIGINT or SIGTERM npm passes on when its own process is signalled (an IDE's stop
// button, a process manager: not the whole group, as a terminal's Ctrl-C) reaches it, not a shell
// that would die and leave the stack running. Why the supervisor is a process of its own: a
// supervisor killed by a loader's signal handling would leave the stack running. It stays in this
// process group, so Ctrl-C in the terminal reaches it directly, whatever happens to this one.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { stopWithNpm } from "./stack/stop-with-npm";

// Its flags (`npm start -- --machines`) are passed on as they came.
const supervisor = spawn(process.execPath, ["--import", "tsx", fileURLToPath(new URL("./run-stack.ts", import.meta.url)), ...process.argv.slice(2)], {
  stdio: "inherit",
});
// A signal sent to this process alone is passed on (the supervisor ignores a repeat); npm gone
// without passing one on (killed outright): the stack stops with it, not orphaned.
const release = stopWithNpm((signal) => supervisor.kill(signal));
supervisor.once("exit", (code, signal) => {
  release();
  process.exit(code ?? (signal === "SIGINT" ? 130 : 1));
});
