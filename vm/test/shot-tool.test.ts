// The agent's `send_shot` with the real CLI and the offline model: the VM draws the conversation's
// preview, stages the PNG as a file of the run and announces it as a `send_file` call (so the
// relay sends it as it sends files, on either app); without a preview the agent is told why.
import { expect, it } from "vitest";
import { SendFileCallArgsSchema } from "../../src/protocol/vm/files";
import { PreviewStateSchema } from "../../src/protocol/vm/preview";
import { VM_ROUTES } from "../../src/protocol/vm/routes";
import { freePort } from "./helpers/free-port";
import { resultsOf, uniqueId, useHarness } from "./helpers/harness";

const h = useHarness({ shotIdleMs: 200 });
const userId = "+15550008261";
const WITH_TOOLS = { permissionMode: "default", scheduleTools: true } as const;

it("sends a picture of the preview as a send_file call, and says why not without one", { timeout: 120_000 }, async () => {
  const none = await (await h.startRun({ userId, workspace: "bare", text: '[[tool send_shot {"wide":true}]]', options: WITH_TOOLS })).end();
  expect(none.filter((e) => e.type === "tool_call")).toEqual([]);
  expect(resultsOf(none)[0]?.text).toContain("The mcp__relay__send_shot tool failed: No preview server runs in this conversation");

  expect((await h.call("POST", VM_ROUTES.workspaces, { userId, workspace: "site" })).status).toBe(201);
  const port = await freePort();
  const command = `node -e 'require("http").createServer((q,r)=>{r.setHeader("content-type","text/html");r.end("<h1>landing</h1>")}).listen(+process.env.PORT,"127.0.0.1")'`;
  expect(PreviewStateSchema.parse(await (await h.call("POST", VM_ROUTES.workspacePreview("site", userId), { command, port })).json()).kept?.port).toBe(port);
  try {
    const runId = uniqueId("run");
    const reader = await h.startRun({ runId, userId, workspace: "site", text: '[[tool send_shot {"wide":true,"caption":"the landing page"}]]', options: WITH_TOOLS });
    const call = await reader.waitFor((e) => e.type === "tool_call");
    if (call.type !== "tool_call") throw new Error("not a tool call");
    expect(call.name).toBe("send_file");
    const args = SendFileCallArgsSchema.parse(call.args);
    expect(args).toMatchObject({ name: "shot.png", contentType: "image/png", caption: "the landing page" });

    // The relay fetches it as it fetches any staged file: a PNG 1280 px wide.
    const png = Buffer.from(await (await h.call("GET", VM_ROUTES.runFile(runId, args.fileId))).arrayBuffer());
    expect([png.length, png.subarray(1, 4).toString("latin1"), png.readUInt32BE(16)]).toEqual([args.size, "PNG", 1280]);
    expect((await h.call("POST", VM_ROUTES.toolResult(runId), { callId: call.callId, ok: true, text: "Sent shot.png to the user." })).status).toBe(202);
    expect(resultsOf(await reader.end())[0]?.text).toBe("[offline model] The mcp__relay__send_shot tool answered: Sent shot.png to the user.");
  } finally {
    await h.call("DELETE", VM_ROUTES.workspacePreview("site", userId));
  }
});
