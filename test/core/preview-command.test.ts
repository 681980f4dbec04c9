// /preview's arguments: a port, a command to run (kept as typed), off, or one line saying what was wrong.
import { describe, expect, it } from "vitest";
import { parsePreviewArgs } from "../../src/preview/preview-command";

describe("parsePreviewArgs", () => {
  it.each([
    ["", { action: "link", port: null, command: null }],
    ["5173", { action: "link", port: 5173, command: null }],
    [" OFF ", { action: "off" }],
    ["run npm run dev", { action: "link", port: null, command: "npm run dev" }],
    ["RUN  npx Vite --host 127.0.0.1 ", { action: "link", port: null, command: "npx Vite --host 127.0.0.1" }],
    ["5173 run npm run dev -- --port 5173", { action: "link", port: 5173, command: "npm run dev -- --port 5173" }],
    ["run python3 -m http.server $PORT", { action: "link", port: null, command: "python3 -m http.server $PORT" }],
  ])("%j is %j", (args, expected) => {
    expect(parsePreviewArgs(args)).toEqual({ type: "preview", ...expected });
  });

  it.each([
    ["80", /takes a port \(1024-65535\) or off, or run and a command/],
    ["70000 run x", /takes a port \(1024-65535\)/],
    ["later", /takes a port/],
    ["run", /needs the command that serves the app/],
    ["5173 run   ", /needs the command/],
    ["run npm run dev\nrm -rf /", /one line/],
    [`run ${"x".repeat(1001)}`, /at most 1000 characters; this one has 1001/],
  ])("%j is refused with one line", (args, reason) => {
    const parsed = parsePreviewArgs(args);
    expect(parsed).toMatchObject({ type: "invalid", reason: expect.stringMatching(reason) });
    expect((parsed as { reason: string }).reason).not.toContain("\n");
  });
});
