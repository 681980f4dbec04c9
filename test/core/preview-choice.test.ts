import { describe, expect, it } from "vitest";
import { choosePreviewPort, previewStatusLines } from "../../src/preview/preview-choice";

const kept = { port: 8000, pid: 10, command: "npx serve", startedAt: 0 };

describe("choosePreviewPort", () => {
  it.each([
    ["the named port, when the conversation listens on it", { kept: null, ports: [3000, 5173] }, 5173, { kind: "port", port: 5173 }],
    ["a named port nothing of the conversation listens on", { kept: null, ports: [3000] }, 4000, { kind: "none", port: 4000 }],
    ["the kept server's, among others", { kept, ports: [3000, 8000] }, null, { kind: "port", port: 8000 }],
    ["the one server the run started", { kept: null, ports: [5173] }, null, { kind: "port", port: 5173 }],
    ["a question when several listen", { kept: null, ports: [3000, 5173] }, null, { kind: "ask", ports: [3000, 5173] }],
    ["nothing listening", { kept: null, ports: [] }, null, { kind: "none", port: null }],
    ["a kept server that stopped listening is not chosen", { kept, ports: [] }, null, { kind: "none", port: null }],
  ])("%s", (_name, state, asked, expected) => {
    expect(choosePreviewPort(state, asked)).toEqual(expected);
  });
});

describe("previewStatusLines", () => {
  it("names each conversation's kept server, its port and command, clipped", () => {
    expect(previewStatusLines([])).toBe("");
    expect(previewStatusLines([{ conversation: "site", port: 5173, command: "npm run dev" }])).toBe("\nPreview server of site: port 5173 (npm run dev); /preview for its link, /preview off ends it.");
    expect(previewStatusLines([{ conversation: "a", port: 8000, command: "x".repeat(80) }])).toContain(`(${"x".repeat(59)}…)`);
  });
});
