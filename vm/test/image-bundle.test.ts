// The image's server as the image runs it: vm/build.mjs's bundle started with the Dockerfile's CMD
// flags and ENV. It finds the CLI next to itself, serves a run, and the CLI calls the relay tools
// at the bundle's own MCP endpoint: the call reaches the relay and its answer reaches the model.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startAnthropicStandIn, type AnthropicStandIn } from "../../test/stand-ins/anthropic-api";
import { userPathsOf } from "../src/users/user-paths";
import { readEvents, TOKEN } from "./helpers/harness";
import { buildBundle, imageCommand } from "./helpers/image";
import { spawnVm } from "./helpers/vm-child";

let api: AnthropicStandIn;
let bundleDir = "";
beforeAll(async () => {
  api = await startAnthropicStandIn();
  bundleDir = buildBundle();
}, 60_000);
afterAll(async () => {
  rmSync(bundleDir, { recursive: true, force: true });
  await api.close();
});

const auth = { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" };

it("serves a run with a relay tool call through the bundle's MCP endpoint", async () => {
  const image = imageCommand();
  expect(image.script).toBe("dist/main.cjs");
  const dataDir = mkdtempSync(join(tmpdir(), "vm-bundle-"));
  const env = { ...image.env, PORT: "0", HOST: "127.0.0.1", DATA_DIR: dataDir, ANTHROPIC_BASE_URL: api.url, ANTHROPIC_API_KEY: "sk-offline-test" };
  const vm = await spawnVm(env, [...image.flags, join(bundleDir, "main.cjs")]);
  try {
    expect(vm.output()).toMatch(/cli \S+\/node_modules\/@anthropic-ai\/claude-code\//);
    const userId = "+15550007000";
    const res = await fetch(`${vm.url}/v1/runs`, {
      method: "POST",
      headers: auth,
      body: JSON.stringify({
        runId: "bundle-run",
        userId,
        sessionId: null,
        messages: [{ id: "m1", text: '[[tool schedule_create {"kind":"every","every":"2h","prompt":"check the build"}]]' }],
        // "default" asks before every tool, and `-p` cannot ask: only --allowedTools lets the call through.
        options: { permissionMode: "default", scheduleTools: true },
      }),
    });
    const reader = readEvents(res);
    const call = await reader.waitFor((e) => e.type === "tool_call");
    if (call.type !== "tool_call") throw new Error("not a tool call");

    // The MCP config the CLI was started with names the bundle's own endpoint: no program to start.
    const tmp = userPathsOf(dataDir, userId).tmp;
    const [file] = readdirSync(tmp).filter((name) => /^relay-mcp-[0-9a-f]+\.json$/.test(name));
    const config = JSON.parse(readFileSync(join(tmp, file ?? "missing"), "utf8")) as { mcpServers: { relay: Record<string, unknown> } };
    expect(config.mcpServers.relay).toMatchObject({ type: "http", url: `${vm.url}/internal/mcp` });
    expect(config.mcpServers.relay).not.toHaveProperty("command");
    expect(readdirSync(bundleDir)).not.toContain("relay-mcp-main.cjs");

    const answer = await fetch(`${vm.url}/v1/runs/bundle-run/tool-result`, { method: "POST", headers: auth, body: JSON.stringify({ callId: call.callId, ok: true, text: "Task #7 created." }) });
    expect(answer.status).toBe(202);
    const events = await reader.end();
    expect(call).toMatchObject({ name: "schedule_create", args: { kind: "every", every: "2h", prompt: "check the build" } });
    expect(events.find((e) => e.type === "result")).toMatchObject({ isError: false, text: expect.stringContaining("schedule_create tool answered: Task #7 created.") });
  } finally {
    vm.child.kill("SIGTERM");
    expect((await vm.exited).code).toBe(0);
    rmSync(dataDir, { recursive: true, force: true });
  }
});
