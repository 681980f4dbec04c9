// After a restart the VM wakes the relay for the runs it cut (runs/relay-wake.ts): one signed POST
// per user to RELAY_URL's /vm/wake. A relay that never answers does not hold up the boot.
import { appendFileSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterEach, expect, it } from "vitest";
import { WAKE_PATH, WAKE_SIGNATURE_HEADER, WakeSchema, wakeSignature } from "../../src/protocol/vm/wake";
import { userKeyOf } from "../src/users/user-paths";
import { readEvents, TOKEN, uniqueId, useHarness } from "./helpers/harness";

const h = useHarness();
const relays: Server[] = [];
afterEach(async () => {
  for (const relay of relays.splice(0)) await new Promise((resolve) => (relay.closeAllConnections(), relay.close(resolve)));
});

type Heard = { path: string; signature: string; body: string };
/** A relay stand-in on loopback: records each request; `answer: false` never answers. */
async function relay(answer: boolean): Promise<{ url: string; heard: Heard[]; cut: () => number }> {
  const heard: Heard[] = [];
  let cut = 0;
  const server = createServer((request: IncomingMessage, response) => {
    let body = "";
    // The VM gave up on it (its timeout): the connection closes with no answer sent.
    response.on("close", () => (cut += response.writableEnded ? 0 : 1));
    request.on("data", (chunk) => (body += chunk));
    request.on("end", () => {
      heard.push({ path: request.url ?? "", signature: String(request.headers[WAKE_SIGNATURE_HEADER] ?? ""), body });
      if (answer) response.writeHead(200, { "content-type": "application/json" }).end('{"ok":true,"woken":1}');
    });
  });
  relays.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, heard, cut: () => cut };
}

/** A run the previous VM left live, as its log on the volume says. */
function cutRun(userId: string): string {
  const runId = uniqueId("cut");
  const runs = join(h.dataDir, ".runs");
  writeFileSync(join(runs, `${runId}.meta.json`), JSON.stringify({ runId, userKey: userKeyOf(h.dataDir, userId), userId, createdAt: Date.now() }));
  appendFileSync(join(runs, `${runId}.ndjson`), `${JSON.stringify({ seq: 1, type: "session", sessionId: "s-1" })}\n`);
  return runId;
}

const until = async <T>(check: () => T | undefined, ms = 10_000): Promise<T> => {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 50))) {
    const found = check();
    if (found !== undefined) return found;
  }
  throw new Error("not in time");
};

it("at boot, each user whose runs it cut gets one wake, signed with the VM's token and naming those runs", async () => {
  const { url, heard } = await relay(true);
  const [a1, a2, b1] = [cutRun("+15550000701"), cutRun("+15550000701"), cutRun("+15550000702")];
  await h.restart({ relayUrl: url });
  await until(() => (heard.length >= 2 ? heard : undefined));
  expect(heard.map((r) => r.path)).toEqual([WAKE_PATH, WAKE_PATH]);
  const wakes = heard.map((r) => ({ wake: WakeSchema.parse(JSON.parse(r.body)), signature: r.signature }));
  const byUser = Object.fromEntries(wakes.map(({ wake }) => [wake.phone, [...wake.vmRunIds].sort()]));
  expect(byUser).toEqual({ "+15550000701": [a1, a2].sort(), "+15550000702": [b1] });
  for (const { wake, signature } of wakes) {
    expect(wake.reason).toBe("restarted");
    expect(Math.abs(Date.now() - wake.at)).toBeLessThan(60_000);
    expect(signature).toBe(await wakeSignature(TOKEN, wake));
  }
});

it("a relay that never answers does not hold up the boot: the VM serves at once", async () => {
  const { url, heard, cut } = await relay(false);
  cutRun("+15550000703");
  await h.restart({ relayUrl: url });
  expect((await h.call("GET", "/health/live")).status).toBe(200);
  // Serving while the wake still waits: the boot never waited for its timeout.
  expect(cut()).toBe(0);
  await until(() => (heard.length === 1 ? heard : undefined));
  // Then the VM gives up on it (WAKE_TIMEOUT_MS), once: no retry.
  await until(() => (cut() === 1 ? true : undefined));
  expect(heard).toHaveLength(1);
});

it("no cut run, no wake", async () => {
  const { url, heard } = await relay(true);
  await h.restart({ relayUrl: url });
  expect((await h.call("GET", "/health/live")).status).toBe(200);
  await new Promise((r) => setTimeout(r, 300));
  expect(heard).toEqual([]);
});

it("a run's reader goes away mid-run: once the run has news, one reader_gone wake names it; a run read to its end wakes nothing", async () => {
  const { url, heard } = await relay(true);
  await h.restart({ relayUrl: url });
  const userId = "+15550000704";
  const runId = uniqueId("run");
  const start = { runId, userId, sessionId: null, messages: [{ id: uniqueId("m"), text: "hello [[slow 3000]]" }], options: { permissionMode: "acceptEdits" } };
  const response = await h.call("POST", "/v1/runs", start);
  const stream = response.body!.getReader();
  // Read until the session is known, then the reader goes (the relay's instance died).
  for (let text = ""; !text.includes('"session"'); ) text += new TextDecoder().decode((await stream.read()).value);
  await stream.cancel();
  const heardWake = await until(() => heard[0], 20_000);
  const wake = WakeSchema.parse(JSON.parse(heardWake.body));
  expect(wake).toMatchObject({ phone: userId, vmRunIds: [runId], reason: "reader_gone" });
  expect(heardWake.signature).toBe(await wakeSignature(TOKEN, wake));
  // The run went on: its reply is there for the reconnect.
  const again = readEvents(await h.call("GET", `/v1/runs/${runId}/events?after=0`));
  expect((await again.end()).some((e) => e.type === "result")).toBe(true);

  await h.startRun({ userId, text: "hello again" }).then((r) => r.end());
  await new Promise((r) => setTimeout(r, 2_500));
  expect(heard).toHaveLength(1);
});
