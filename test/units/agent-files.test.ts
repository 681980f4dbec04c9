// How the outbox has the agent's files (runs/agent-files.ts, agentFileCopier): copied from a
// local server standing in for the VM's staged-file route into an in-memory R2, a final reason
// when the VM no longer has the file, a retry when it does not answer; no copier without a VM or storage.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deriveMediaKeys } from "../../src/media/media-token";
import { mediaStoreFor } from "../../src/media/media-store";
import { createVmClient } from "../../src/machines/vm-client";
import { agentFileCopier, queueAgentFile } from "../../src/runs/agent-files";
import { VM_ROUTES } from "../../src/protocol/vm/routes";
import { memoryBucket } from "./helpers/memory-bucket";

const T0 = Date.UTC(2026, 10, 23, 10);
// The smallest PNG: its signature and an IHDR chunk are what the sniffer reads.
const PNG = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0, 0x1f, 0x15, 0xc4, 0x89]);
const source = (fileId: string) => ({ vmRunId: "vm-run-1", fileId, name: "chart.png", contentType: "image/png" as const, size: PNG.byteLength });

let server: Server | undefined;
let vmUrl = "";
beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === VM_ROUTES.runFile("vm-run-1", "there")) return void res.writeHead(200, { "content-type": "image/png" }).end(PNG);
    if (req.url === VM_ROUTES.runFile("vm-run-1", "gone")) return void res.writeHead(404).end();
    res.writeHead(503).end();
  });
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  vmUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

function copier() {
  const bucket = memoryBucket();
  const store = mediaStoreFor(bucket.binding, deriveMediaKeys("test-secret"), () => T0);
  const files = agentFileCopier({ vm: createVmClient({ vmUrl, vmToken: "vm-token" }), store, owner: "+15550001901", link: async () => null });
  return { bucket, files: files! };
}

describe("agentFileCopier", () => {
  it("copies a staged file into R2, dated by the object's clock", async () => {
    const { bucket, files } = copier();
    const copied = await files.copy(source("there"));
    expect(copied).toMatchObject({ ok: true, stored: { createdAt: T0, contentType: "image/png" } });
    if (copied.ok) expect(bucket.bytes(copied.stored.key)).toEqual(PNG);
  });

  it.each([
    ["the VM no longer has it: final", "gone", { ok: false, reason: "the agent VM no longer has the file", retry: false }],
    ["the VM fails: tried again", "failing", { ok: false, reason: "the agent VM did not answer", retry: true }],
  ])("%s", async (_name, fileId, expected) => {
    expect(await copier().files.copy(source(fileId))).toEqual(expected);
  });

  it("is none without a VM or without storage", () => {
    const store = mediaStoreFor(memoryBucket().binding, deriveMediaKeys("test-secret"), () => T0);
    const vm = createVmClient({ vmUrl: "http://127.0.0.1:9", vmToken: "t" });
    expect(agentFileCopier({ vm: null, store, owner: "+15550001901", link: async () => null })).toBeNull();
    expect(agentFileCopier({ vm, store: null, owner: "+15550001901", link: async () => null })).toBeNull();
    expect(mediaStoreFor(undefined, deriveMediaKeys("test-secret"), () => T0)).toBeNull();
    expect(mediaStoreFor(memoryBucket().binding, null, () => T0)).toBeNull();
  });
});

describe("queueAgentFile", () => {
  it("tells the agent the file is queued without naming an app: the user may be on Telegram", () => {
    const added: unknown[] = [];
    const args = { fileId: "f1", name: "chart.png", contentType: "image/png", size: PNG.byteLength };
    const answer = queueAgentFile({ add: (m) => (added.push(m), true) }, true, args, { vmRunId: "vm-run-1", callId: "c1" }, T0);
    expect(answer).toEqual({ ok: true, text: "chart.png is queued for the user; it goes out to their chat in order with your replies." });
    expect(added).toHaveLength(1);
  });

  it("names the file's conversation when given a tag (several runs live), before its caption or alone", () => {
    const added: { body: string }[] = [];
    const add = (m: { body: string }) => (added.push(m), true);
    const args = { fileId: "f1", name: "chart.png", contentType: "image/png", size: PNG.byteLength };
    queueAgentFile({ add }, true, { ...args, caption: "the chart" }, { vmRunId: "vm-run-1", callId: "c1" }, T0, "[api] ");
    queueAgentFile({ add }, true, args, { vmRunId: "vm-run-1", callId: "c2" }, T0, "[api] ");
    queueAgentFile({ add }, true, args, { vmRunId: "vm-run-1", callId: "c3" }, T0);
    expect(added.map((m) => m.body)).toEqual(["[api] the chart", "[api]", ""]);
  });
});
