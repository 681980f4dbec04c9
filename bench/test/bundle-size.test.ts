// The bundle figure is wrangler's own Total Upload (every module, SQL included), read from its
// output as printed, colours and all; and the largest inputs by package or source folder.
import { describe, expect, it } from "vitest";
import { largestInputs, parseTotalUpload } from "../lib/bundle-size";

describe("parseTotalUpload", () => {
  it.each([
    ["plain", "Total Upload: 487.57 KiB / gzip: 162.53 KiB\n", { line: "Total Upload: 487.57 KiB / gzip: 162.53 KiB", rawBytes: 499_272, gzipBytes: 166_431 }],
    ["coloured as wrangler prints it (green, yellow or red figures)", "Total Upload: \u001b[32m100.00 KiB / gzip: 30.50 KiB\u001b[39m", { line: "Total Upload: 100.00 KiB / gzip: 30.50 KiB", rawBytes: 102_400, gzipBytes: 31_232 }],
    ["missing", "--dry-run: exiting now.", null],
  ])("%s", (_name, output, expected) => {
    expect(parseTotalUpload(output)).toEqual(expected);
  });
});

describe("largestInputs", () => {
  it("groups by npm package or the first two path segments, largest first, maps skipped", () => {
    const meta = {
      outputs: {
        "index.js": {
          bytes: 600,
          inputs: {
            "node_modules/zod/v4/mini/schemas.js": { bytesInOutput: 100 },
            "node_modules/zod/v4/core/core.js": { bytesInOutput: 150 },
            "node_modules/@scope/pkg/index.js": { bytesInOutput: 50 },
            "src/messages/messages-repo.ts": { bytesInOutput: 200 },
            "src/messages/message-name.ts": { bytesInOutput: 100 },
          },
        },
        "index.js.map": { bytes: 9_999, inputs: { "src/messages/messages-repo.ts": { bytesInOutput: 9_999 } } },
      },
    };
    expect(largestInputs(meta)).toEqual([
      { input: "zod", bytes: 250 },
      { input: "src/messages", bytes: 300 },
      { input: "@scope/pkg", bytes: 50 },
    ].sort((a, b) => b.bytes - a.bytes));
  });
});
