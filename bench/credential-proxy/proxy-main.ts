// The credential proxy alone, in a process started with the VM's own node flags (vm/package.json's
// `start`), for bench/credential-proxy/measure.ts: forwards to UPSTREAM with the key BENCH_KEY and
// prints `{"baseUrl", "token"}` once it listens. Ends on SIGTERM.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startCredentialProxy } from "../../vm/src/credentials/credential-proxy";

const upstream = process.env.UPSTREAM;
if (!upstream) throw new Error("UPSTREAM is required");
const socketDir = mkdtempSync(join(tmpdir(), "bench-proxy-"));
const proxy = await startCredentialProxy({ cliEnv: { ANTHROPIC_BASE_URL: upstream, ANTHROPIC_API_KEY: process.env.BENCH_KEY ?? "sk-bench" }, gitLines: [], socketDir });
const { token } = proxy.grant(() => true);
console.log(JSON.stringify({ baseUrl: `${proxy.baseUrl}/model`, token }));
process.once("SIGTERM", () => {
  void proxy.close().finally(() => {
    rmSync(socketDir, { recursive: true, force: true });
    process.exit(0);
  });
});
