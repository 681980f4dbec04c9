import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, expect, it } from "vitest";
import { runLanes } from "../lib/load";

// A real local server that records what arrived and how many were open at once.
let server: Server;
let base = "";
let open = 0;
let maxOpen = 0;
const arrived: string[] = [];
const hanging = new Set<() => void>();

beforeAll(async () => {
  server = createServer((req, res) => {
    const item = decodeURIComponent((req.url ?? "/").slice(1));
    if (item === "hang") {
      hanging.add(() => res.destroy());
      return;
    }
    arrived.push(item);
    open += 1;
    maxOpen = Math.max(maxOpen, open);
    setTimeout(() => {
      open -= 1;
      res.writeHead(item.startsWith("bad") ? 500 : 200).end("ok");
    }, 2);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  for (const end of hanging) end();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const send = (item: string, signal: AbortSignal) => fetch(`${base}/${encodeURIComponent(item)}`, { signal });

it("sends every item once, never more than N at a time, each lane in its own order", async () => {
  arrived.length = 0;
  maxOpen = 0;
  const lanes = Array.from({ length: 12 }, (_, l) => Array.from({ length: 5 }, (_, i) => `l${l}-${i}`));
  const result = await runLanes({ lanes, concurrency: 4, send, timeoutMs: 30_000 });

  expect(result.timedOut).toBe(false);
  expect(result.samples).toHaveLength(60);
  expect(new Set(arrived)).toEqual(new Set(lanes.flat()));
  expect(arrived).toHaveLength(60);
  expect(maxOpen).toBeLessThanOrEqual(4);
  expect(maxOpen).toBeGreaterThan(1);
  for (const lane of lanes) expect(arrived.filter((a) => lane.includes(a))).toEqual(lane);
  for (const s of result.samples) {
    expect(s.status).toBe(200);
    expect(s.sentAt).toBeLessThanOrEqual(s.respondedAt);
    expect(s.respondedAt).toBeLessThanOrEqual(s.doneAt);
  }
});

it("keeps one request per lane in flight, so a single lane runs one at a time", async () => {
  maxOpen = 0;
  const result = await runLanes({ lanes: [["a", "b", "c", "d"]], concurrency: 8, send, timeoutMs: 30_000 });
  expect(result.samples.map((s) => s.item)).toEqual(["a", "b", "c", "d"]);
  expect(maxOpen).toBe(1);
});

it("records failures as samples: HTTP errors by status, a dead request as status 0", async () => {
  const result = await runLanes({ lanes: [["bad-1"], ["ok-1"], ["hang"]], concurrency: 3, send, timeoutMs: 500 });
  const byItem = new Map(result.samples.map((s) => [s.item, s]));
  expect(byItem.get("bad-1")?.status).toBe(500);
  expect(byItem.get("ok-1")?.status).toBe(200);
  expect(byItem.get("hang")).toMatchObject({ status: 0 });
  expect(byItem.get("hang")?.error).toBeTruthy();
});

it("stops taking items once the time is up and says so", async () => {
  const result = await runLanes({ lanes: [["hang", "never-sent"]], concurrency: 1, send, timeoutMs: 300 });
  expect(result.timedOut).toBe(true);
  expect(result.samples.map((s) => s.item)).toEqual(["hang"]);
});
