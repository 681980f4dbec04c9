// A tiny Machine for the Fly stand-in's tests: listens on PORT, answers with what it was started
// with and a counter kept in memory (so a resume can be told from a cold boot), writes to its
// volume on request, streams on /stream, and records the signal that stopped it on the volume.
import { appendFileSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { join } from "node:path";

let hits = 0;
const dataDir = process.env.DATA_DIR ?? ".";
const server = createServer((req, res) => {
  hits++;
  if (req.url === "/stream") {
    res.writeHead(200, { "content-type": "text/event-stream" });
    let n = 0;
    const timer = setInterval(() => {
      res.write(`data: ${n++}\n\n`);
      if (n === 3) {
        clearInterval(timer);
        res.end();
      }
    }, 100);
    return;
  }
  if (req.url?.startsWith("/write/")) writeFileSync(join(dataDir, "note.txt"), decodeURIComponent(req.url.slice(7)));
  let note = null;
  try {
    note = readFileSync(join(dataDir, "note.txt"), "utf8");
  } catch {}
  let body = "";
  req.on("data", (chunk) => (body += chunk));
  req.on("end", () => {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ pid: process.pid, hits, note, body, env: { DATA_DIR: process.env.DATA_DIR, FLY_MACHINE_ID: process.env.FLY_MACHINE_ID, VM_TOKEN: process.env.VM_TOKEN, SECRET: process.env.SECRET }, headers: req.headers }));
  });
});
server.listen(Number(process.env.PORT), "127.0.0.1");
for (const signal of ["SIGTERM", "SIGINT"]) {
  process.on(signal, () => {
    appendFileSync(join(dataDir, "signals.txt"), `${signal}\n`);
    server.close();
    process.exit(0);
  });
}
