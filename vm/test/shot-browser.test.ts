// /shot's browser: a PNG at the width asked (390 and 1280, read from the IHDR), full page cut at
// the cap, nothing fetched but the preview's own origin, and no browser process left once idle.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createShooter } from "../src/shots/shooter";
import { launchShotBrowser } from "../src/shots/shot-browser";

/** Width and height from a PNG's IHDR (bytes 16-23, big-endian), after checking the signature. */
function pngSize(png: Buffer): { width: number; height: number } {
  expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  expect(png.subarray(12, 16).toString("latin1")).toBe("IHDR");
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function listen(handler: Parameters<typeof createServer>[1]): Promise<{ server: Server; port: number }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

let app: { server: Server; port: number };
let elsewhere: { server: Server; port: number };
const elsewhereHits: string[] = [];
const shooter = createShooter({ launch: launchShotBrowser, idleMs: 500, deadlineMs: 30_000, maxHeight: 3_000 });

beforeAll(async () => {
  elsewhere = await listen((q, r) => {
    elsewhereHits.push(q.url ?? "");
    r.end("x");
  });
  // A page 5000 px tall that asks another port for an image: the cap cuts it, the block refuses it.
  app = await listen((_q, r) => {
    r.setHeader("content-type", "text/html");
    r.end(`<!doctype html><body style="margin:0"><div style="height:5000px;background:#4a8">landing</div><img src="http://127.0.0.1:${elsewhere.port}/leak"></body>`);
  });
});
afterAll(async () => {
  await shooter.stop();
  for (const s of [app?.server, elsewhere?.server]) if (s) await new Promise((resolve) => s.close(resolve));
});

it("draws the page at 390 and 1280 px, cut at the cap, loads nothing elsewhere, and closes the browser when idle", { timeout: 90_000 }, async () => {
  expect(pngSize(await shooter.shoot(app.port, "/", 390))).toEqual({ width: 390, height: 3_000 });
  const pid = shooter.browserPid();
  expect(pid).not.toBeNull();
  expect(pngSize(await shooter.shoot(app.port, "/?wide", 1280))).toEqual({ width: 1280, height: 3_000 });
  // The same browser took both pictures.
  expect(shooter.browserPid()).toBe(pid);
  expect(elsewhereHits).toEqual([]);

  // Idle for longer than idleMs: the browser's process is gone, and the next picture starts one again.
  await expect.poll(() => alive(pid as number), { timeout: 10_000, interval: 200 }).toBe(false);
  expect(shooter.browserPid()).toBeNull();
});
