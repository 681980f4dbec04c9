// One Machine's watchdog (plain JS so it starts in tens of milliseconds). The stand-in spawns it;
// it spawns the Machine's command in a process group of its own and tells the stand-in the pid
// over IPC. It ends the Machine's whole tree when the main process exits (a Fly Machine stops
// when its main process does) and when the stand-in dies, however it dies: the IPC channel
// closes, or the parent pid changes. Kept out of the Machine's group so SIGSTOP leaves it awake.
import { execFile, spawn } from "node:child_process";

const [command, ...args] = JSON.parse(process.argv[2] ?? "[]");
const parentPid = process.ppid;
const child = spawn(command, args, { detached: true, stdio: "inherit", env: process.env });
let known = new Set();

function descendants(table, root) {
  const children = new Map();
  for (const [pid, ppid] of table) children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  const found = [];
  const queue = [root];
  while (queue.length > 0) for (const next of children.get(queue.shift()) ?? []) found.push(next), queue.push(next);
  return found;
}

/** Processes that left the group (the VM runs each CLI in a group of its own) are remembered,
 * because once the main process is gone they are reparented and no longer traceable. */
function refresh() {
  execFile("ps", ["-A", "-o", "pid=,ppid=,stat="], (error, stdout) => {
    if (error || child.pid === undefined) return;
    const table = stdout.split("\n").flatMap((line) => {
      const m = /^\s*(\d+)\s+(\d+)\s+(\S+)/.exec(line);
      return m && !m[3].startsWith("Z") ? [[Number(m[1]), Number(m[2])]] : [];
    });
    known = new Set(descendants(table, child.pid));
  });
}

function killTree() {
  for (const target of [child.pid === undefined ? undefined : -child.pid, ...known]) {
    if (target === undefined) continue;
    try {
      process.kill(target, "SIGKILL");
    } catch {
      // Already gone.
    }
  }
}

let ending = false;
function end(code) {
  if (ending) return;
  ending = true;
  killTree();
  process.exit(code);
}

child.once("spawn", () => process.send?.({ pid: child.pid }));
child.once("error", (error) => {
  console.error(`[fly] could not run ${command}: ${error.message}`);
  end(127);
});
child.once("exit", (code, signal) => end(code ?? 128 + (signal === "SIGKILL" ? 9 : signal === "SIGTERM" ? 15 : signal === "SIGINT" ? 2 : 1)));
process.on("disconnect", () => end(137));
for (const signal of ["SIGTERM", "SIGINT", "SIGHUP"]) process.on(signal, () => end(137));
setInterval(() => {
  if (process.ppid !== parentPid) end(137);
  refresh();
}, 1000).unref();
refresh();
