// A new user's Machine, split where it is made (bench/machines/first-machine.ts).
import { describe, expect, it } from "vitest";
import { createToModelFigure, splitFirstMachine } from "../machines/first-machine";

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
