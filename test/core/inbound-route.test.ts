import { describe, expect, it } from "vitest";
import { routeInbound, type InboundRoute } from "../../src/commands/inbound-route";
import { typedCommand } from "../../src/messages/inbound-message";

const agent = (text: string, slash = false, conversation: string | null = null): InboundRoute => ({ kind: "agent", text, slash, conversation });

describe("routeInbound", () => {
  it.each<[string, InboundRoute]>([
    ["fix the flaky test", agent("fix the flaky test")],
    ["  spaces around  ", agent("  spaces around  ")],
    ["/compact", agent("/compact", true)],
    ["/review the auth module", agent("/review the auth module", true)],
    ["/frontend:deploy staging", agent("/frontend:deploy staging", true)],
    ["//status", agent("/status", true)],
    ["//new thing", agent("/new thing", true)],
    ["/usr/bin/env is broken", agent("/usr/bin/env is broken")],
    [" /compact ", agent(" /compact ", true)],
    ["@api run the tests", agent("run the tests", false, "api")],
    ["@api\nline two", agent("line two", false, "api")],
    ["@web /compact", agent("/compact", true, "web")],
    ["@web //stop", agent("/stop", true, "web")],
    ["@ api run", agent("@ api run")],
    ["ask ada@example.com", agent("ask ada@example.com")],
    ["@café hello", agent("@café hello")],
    ["/status", { kind: "command", command: { type: "status", checkVm: false } }],
    ["/stop", { kind: "command", command: { type: "cancel" } }],
    ["@api", { kind: "command", command: { type: "invalid", reason: "Write the message after @api, e.g. @api run the tests." } }],
    ["@api   ", { kind: "command", command: { type: "invalid", reason: "Write the message after @api, e.g. @api run the tests." } }],
  ])("%j", (text, expected) => {
    expect(routeInbound(text)).toEqual(expected);
  });
});

describe("typedCommand: a command for the operator's log, as its user typed it", () => {
  it.each<[string, string]>([
    ["/schedules", "/schedules"],
    ["  /STOP  ", "/stop"],
    ["/cancel", "/cancel"],
    ["/github watch acme/sample", "/github"],
    ["/allow +15551230009", "/allow"],
    ["/stop@local_agent_bot", "/stop"],
    ["@api", "@api"],
    ["yes", "yes"],
    ["Fix it", "Fix it"],
    ["a long answer that is not a command at all", "a long answer that is n…"],
  ])("%j is %j", (body, shown) => {
    expect(typedCommand(body)).toBe(shown);
  });
});
