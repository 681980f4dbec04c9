// A new user's Machine, split where it is made (bench/machines/first-machine.ts).
import { describe, expect, it } from "vitest";
import { splitFirstMachine } from "../machines/first-machine";

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
