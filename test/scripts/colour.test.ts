// Whether `npm start` passes colour codes on: to a terminal only, never with NO_COLOR, FORCE_COLOR
// asking for them anyway; and a line without them. Pure, as a table.
import { describe, expect, it } from "vitest";
import { colourAllowed, coloured } from "../../scripts/stack/colour";

describe("colourAllowed", () => {
  it.each<[string, boolean, Record<string, string | undefined>, boolean]>([
    ["a terminal", true, {}, true],
    ["a file or a pipe", false, {}, false],
    ["a terminal with NO_COLOR", true, { NO_COLOR: "1" }, false],
    ["a terminal with an empty NO_COLOR (no-color.org: ignored)", true, { NO_COLOR: "" }, true],
    ["a file with FORCE_COLOR", false, { FORCE_COLOR: "1" }, true],
    ["a terminal with FORCE_COLOR=0", true, { FORCE_COLOR: "0" }, false],
    ["a terminal with FORCE_COLOR=false", true, { FORCE_COLOR: "false" }, false],
    ["NO_COLOR over FORCE_COLOR", false, { NO_COLOR: "1", FORCE_COLOR: "1" }, false],
  ])("%s", (_name, isTTY, env, allowed) => {
    expect(colourAllowed({ isTTY, env })).toBe(allowed);
  });
});

describe("coloured", () => {
  const warning = "[worker] \u001b[33m▲ \u001b[43;33m[\u001b[43;30mWARNING\u001b[43;33m]\u001b[0m \u001b[1mDisk full\u001b[0m";
  it("keeps the codes where colour is allowed, and removes them elsewhere", () => {
    expect(coloured(warning, true)).toBe(warning);
    expect(coloured(warning, false)).toBe("[worker] ▲ [WARNING] Disk full");
  });
});
