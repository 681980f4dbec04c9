// /model, /effort and /plan as data, the plan card and its answers, and the hand-off's resume line
// with the conversation's model: tables, no object.
import { describe, expect, it } from "vitest";
import { parseCommand } from "../../src/commands/commands";
import { routeInbound } from "../../src/commands/inbound-route";
import { parsePlanChoice, PLAN_EXIT, planButtons, planCard, planQuestion } from "../../src/approvals/plan-card";
import { matchQuestion } from "../../src/questions/questions";
import { RESUME_FLAGS, handoffScript, resumeLine, shQuote } from "../../src/handoff/handoff-scripts";

describe("/model and /effort", () => {
  it.each([
    ["/model", { type: "model", model: null }],
    ["/model Sonnet", { type: "model", model: "sonnet" }],
    ["/model opusplan", { type: "model", model: "opusplan" }],
    ["/model sonnet[1m]", { type: "model", model: "sonnet[1m]" }],
    ["/model claude-sonnet-4-5-20250929", { type: "model", model: "claude-sonnet-4-5-20250929" }],
    ["/model default", { type: "model", model: "default" }],
    ["/effort", { type: "effort", effort: null }],
    ["/effort HIGH", { type: "effort", effort: "high" }],
    ["/effort default", { type: "effort", effort: "default" }],
    ["/plan", { type: "plan", action: "show" }],
    ["/plan on", { type: "plan", action: "on" }],
    ["/plan OFF", { type: "plan", action: "off" }],
  ])("%s", (text, command) => expect(parseCommand(text)).toEqual(command));

  it.each(["/model --dangerously-skip-permissions", "/model two words", "/model a;rm -rf", "/effort extreme"])("refuses %s in one line", (text) => {
    const parsed = parseCommand(text);
    expect(parsed?.type).toBe("invalid");
    expect(parsed?.type === "invalid" && parsed.reason.split("\n")).toHaveLength(1);
  });
});

describe("/plan <task>", () => {
  it("goes to the agent, planned first, in the user's words", () => {
    expect(routeInbound("/plan write the tests first")).toEqual({ kind: "agent", text: "write the tests first", slash: false, conversation: null, plan: true });
  });
  it("is a setting with on or off", () => expect(routeInbound("/plan on")).toEqual({ kind: "command", command: { type: "plan", action: "on" } }));
});

describe("the plan card", () => {
  const question = { ...planQuestion({ id: 7, conversationId: 2, createdAt: 100 }), id: 1, closedAt: null };
  const runs = () => ({ runOpen: true, lastRunStartedAt: 50 });
  it.each([
    ["1", "ask"], ["Go ahead", "ask"], ["yes", "ask"],
    ["2", "accept"], ["accept edits", "accept"],
    ["3", "change"], ["Change it!", "change"],
  ])("reads “%s” as %s", (body, choice) => {
    expect(matchQuestion({ body, hasMedia: false, conversationId: 2 }, [question], 200, runs)).toMatchObject({ kind: "answer", via: "word", value: choice });
  });
  it("is answered by a bare word only in its own conversation", () => {
    expect(matchQuestion({ body: "yes", hasMedia: false, conversationId: 3 }, [question], 200, runs)).toMatchObject({ kind: "elsewhere" });
  });
  it("has three buttons that fit WhatsApp's 20 characters, each its own answer", () => {
    const buttons = planButtons(7);
    expect(buttons.map((b) => b.title.length <= 20)).toEqual([true, true, true]);
    expect(buttons.map((b) => matchQuestion({ body: b.title, buttonPayload: b.id, hasMedia: false, conversationId: 3 }, [question], 200, runs))).toMatchObject([{ value: "ask" }, { value: "accept" }, { value: "change" }]);
  });
  it("maps go ahead to the CLI's modes", () => expect(PLAN_EXIT).toEqual({ ask: "default", accept: "acceptEdits" }));
  it("reads only its own values", () => expect([parsePlanChoice("ask"), parsePlanChoice("yes")]).toEqual(["ask", null]));
  it("shows the plan whole when it fits, and cut with the page's link when not", () => {
    const card = planCard({ plan: "# Plan\n1. Write a.txt", conversation: "main", prefix: "", maxChars: 1600, link: null, timeoutMs: 600_000 });
    expect(card).toEqual({ body: expect.stringContaining("1. Write a.txt\nReply 1 (go ahead, ask before edits), 2 (go ahead, accept edits) or 3 (change it"), cut: 0 });
    const long = planCard({ plan: "x".repeat(5000), conversation: "main", prefix: "", maxChars: 1600, link: "https://r/web/t", timeoutMs: 600_000 });
    expect(long.body.length).toBeLessThanOrEqual(1600);
    expect(long.body).toContain("https://r/web/t");
  });
});

describe("the hand-off's resume line", () => {
  it.each([
    [null, "id-1", `claude ${RESUME_FLAGS} --permission-mode default --resume id-1`],
    ["sonnet", "id-1", `claude ${RESUME_FLAGS} --model 'sonnet' --permission-mode default --resume id-1`],
    ["sonnet[1m]", null, `claude ${RESUME_FLAGS} --model 'sonnet[1m]' --permission-mode default`],
  ])("with model %s", (model, id, line) => expect(resumeLine(id, { model })).toBe(line));
  it("is what the out script prints", () => expect(handoffScript({ url: "https://x/h/a", conversation: "api", agentModel: "haiku" })).toContain(shQuote(`claude ${RESUME_FLAGS} --model 'haiku'`)));
});
