// Request bodies are bounded before they are buffered: a JSON body over the VM's bound is refused
// with a one-line 413 and changes nothing, whether its Content-Length says so or it comes in chunks
// without one (the server stops reading once the bound is passed). The MCP endpoint, which every
// agent's CLI reaches with a secret its agent can read, is bounded the same way:
// relay-mcp-endpoint.test.ts.
import { readdirSync } from "node:fs";
import { request } from "node:http";
import { join } from "node:path";
import { expect, it } from "vitest";
import { MAX_JSON_BODY_BYTES } from "../src/http/http-body";
import { TOKEN, useHarness } from "./helpers/harness";

const h = useHarness();

const TOO_LARGE = { error: "bad_request", message: `the request body is over ${MAX_JSON_BODY_BYTES / 1024 / 1024} MiB` };

/** A start whose one message's text makes the body `bytes` long (over the protocol's 64 KiB cap too: the bound comes first). */
function startBody(runId: string, bytes: number): string {
  const frame = JSON.stringify({ runId, userId: "+15550000410", sessionId: null, messages: [{ id: "m1", text: "" }] });
  return frame.replace('"text":""', `"text":"${"x".repeat(bytes - frame.length)}"`);
}

/** POSTs `body` in 64 KiB chunks with no Content-Length (chunked), as long as the server reads. */
function postChunked(url: string, body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: "POST", headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json", "transfer-encoding": "chunked" } }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (text += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
    });
    // The server may answer and close before every chunk is written: that is the point.
    req.on("error", (error: NodeJS.ErrnoException) => (error.code === "EPIPE" || error.code === "ECONNRESET" ? undefined : reject(error)));
    const chunk = 64 * 1024;
    let at = 0;
    const more = () => {
      while (at < body.length) {
        const piece = body.slice(at, (at += chunk));
        if (!req.write(piece)) return void req.once("drain", more);
      }
      req.end();
    };
    more();
  });
}

function nothingStarted(): void {
  expect(h.spawns).toEqual([]);
  expect(readdirSync(join(h.dataDir, ".runs"))).toEqual([]);
}

it("refuses a start whose Content-Length is over the bound with a one-line 413, and starts nothing", async () => {
  const res = await fetch(`${h.vm.url}/v1/runs`, { method: "POST", headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" }, body: startBody("limit-run-1", MAX_JSON_BODY_BYTES + 1) });
  expect(res.status).toBe(413);
  expect(await res.json()).toEqual(TOO_LARGE);
  nothingStarted();
});

it("refuses a start sent in chunks once the bytes read pass the bound, and starts nothing", async () => {
  const answer = await postChunked(`${h.vm.url}/v1/runs`, startBody("limit-run-2", MAX_JSON_BODY_BYTES * 2));
  expect(answer.status).toBe(413);
  expect(JSON.parse(answer.text)).toEqual(TOO_LARGE);
  nothingStarted();
});

it("reads a body at the bound as usual: the protocol's own checks answer it", async () => {
  const res = await fetch(`${h.vm.url}/v1/runs`, { method: "POST", headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" }, body: startBody("limit-run-3", MAX_JSON_BODY_BYTES) });
  expect(res.status).toBe(400);
  expect(await res.json()).toMatchObject({ error: "bad_request", message: expect.stringContaining("messages.0.text") });
  nothingStarted();
});

it("still refuses an unauthorised request before its size", async () => {
  const res = await fetch(`${h.vm.url}/v1/runs`, { method: "POST", headers: { "content-type": "application/json" }, body: startBody("limit-run-4", MAX_JSON_BODY_BYTES + 1) });
  expect(res.status).toBe(401);
  nothingStarted();
});
