// `npm start [-- --machines]`: runs the local stack's supervisor (scripts/run-stack.ts) as a plain Node process.
// Why not in this process: `tsx` runs a script as its child and SIGKILLs it when a signal is not
// acknowledged within 30 ms, which a busy event loop (or a Ctrl-C arriving twice, from the terminal
// and from npm) can miss; a killed supervisor would leave the stack running. The supervisor stays in
// this process group, so Ctrl-C in the terminal reaches it directly, whatever happens to this one.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

// Its flags (`npm start -- --machines`) are passed on as they came.
const supervisor = spawn(process.execPath, ["--import", "tsx", fileURLToPath(new URL("./run-stack.ts", import.meta.url)), ...process.argv.slice(2)], {
  stdio: "inherit",
});
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  // A signal sent to this process alone is passed on; the supervisor ignores a repeat.
  process.on(signal, () => supervisor.kill(signal));
}
supervisor.once("exit", (code, signal) => process.exit(code ?? (signal === "SIGINT" ? 130 : 1)));
