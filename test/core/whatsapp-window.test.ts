import { describe, expect, it } from "vitest";
import { isWindowOpen, SESSION_WINDOW_MS, waitingTemplateVariables } from "../../src/channels/whatsapp/window";

const now = 10 * SESSION_WINDOW_MS;

describe("isWindowOpen", () => {
  it.each([
    ["just wrote", now - 1000, true],
    ["23 h ago", now - 23 * 3600_000, true],
    ["within the last minute of the window", now - SESSION_WINDOW_MS + 30_000, false],
    ["25 h ago", now - 25 * 3600_000, false],
    ["never wrote", null, false],
  ] as const)("%s → %s", (_name, lastInboundAt, open) => {
    expect(isWindowOpen(lastInboundAt, now)).toBe(open);
  });
});

it("names what is waiting in the template's first variable, bounded", () => {
  expect(JSON.parse(waitingTemplateVariables("the result of task #3"))).toEqual({ "1": "the result of task #3" });
  expect(JSON.parse(waitingTemplateVariables("x".repeat(500)))["1"]).toHaveLength(100);
});
