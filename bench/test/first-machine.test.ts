// A new user's Machine, split where it is made (bench/machines/first-machine.ts).
import { describe, expect, it } from "vitest";
import { createToModelFigure, firstRunCli, splitFirstMachine } from "../machines/first-machine";

const model = (at: number, text = "hi") => ({ method: "POST", path: "/v1/messages", body: { messages: [{ content: text }] }, at });

describe("splitFirstMachine", () => {
  it.each([
    ["the first run after the create, the first model request after it", { vmRunCreatedAts: [1_900, 1_450, 900], modelRequests: [model(1_300), model(1_520)] }, { webhookToCreateMs: 200, createToFirstRunMs: 450, firstRunToModelMs: 70 }],
    ["no model request after the run", { vmRunCreatedAts: [1_450], modelRequests: [model(1_300)] }, { webhookToCreateMs: 200, createToFirstRunMs: 450, firstRunToModelMs: null }],
    ["no run after the create", { vmRunCreatedAts: [900], modelRequests: [] }, null],
  ])("%s", (_, times, expected) => {
    expect(splitFirstMachine({ sentAt: 800, text: "hi", machineCreatedAt: 1_000, ...times })).toEqual(expected);
  });
});

describe("createToModelFigure", () => {
  it("adds the VM's first run and the model's first request after it, or says why there is none", () => {
    expect(createToModelFigure({ webhookToCreateMs: 200, createToFirstRunMs: 450, firstRunToModelMs: 70 })).toMatchObject({ value: 520, unit: "ms" });
    expect(createToModelFigure({ webhookToCreateMs: 200, createToFirstRunMs: 450, firstRunToModelMs: null })).toMatchObject({ value: Number.NaN, note: "no model request after the VM's first run" });
    expect(createToModelFigure(null)).toMatchObject({ value: Number.NaN, note: "the Machine's VM served no run after its create" });
  });
});

describe("firstRunCli", () => {
  const mark = (runId: string, name: string, at: number) => ({ runId, mark: name, at });
  it.each([
    ["the first run after the time took a spare", [mark("a", "received", 900), mark("b", "received", 1_000), mark("b", "spare_taken", 1_240.4)], { spareAfterMs: 240 }],
    ["it spawned a CLI of its own", [mark("b", "received", 1_000), mark("b", "spawned", 1_100)], { spareAfterMs: null }],
    ["no mark of it yet", [mark("b", "received", 1_000)], null],
    ["no run after the time", [mark("a", "received", 900)], null],
  ])("%s", (_, marks, expected) => {
    expect(firstRunCli(marks, 1_000)).toEqual(expected);
  });

  it("says in the figure what took the run", () => {
    const split = { webhookToCreateMs: 200, createToFirstRunMs: 450, firstRunToModelMs: 70 };
    expect(createToModelFigure(split, { spareAfterMs: 30 }).note).toContain("then 70 ms to the model (the slot's spare took the run 30 ms after it came)");
    expect(createToModelFigure(split, { spareAfterMs: null }).note).toContain("then 70 ms to the model (a CLI of its own)");
  });
});
