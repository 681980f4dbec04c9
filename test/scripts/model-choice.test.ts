// Which model the local stack uses: a credential in the shell means the real one, otherwise the offline model.
import { describe, expect, it } from "vitest";
import { chooseModel, describeModel, modelEnv } from "../../scripts/stack/model-choice";

const OFFLINE = "http://127.0.0.1:8790";

describe("chooseModel", () => {
  it.each([
    ["nothing set", {}, { kind: "offline", url: OFFLINE }],
    ["blank values count as unset", { ANTHROPIC_API_KEY: " ", CLAUDE_CODE_OAUTH_TOKEN: "" }, { kind: "offline", url: OFFLINE }],
    ["an API key", { ANTHROPIC_API_KEY: "sk-ant-x" }, { kind: "real", credential: "ANTHROPIC_API_KEY" }],
    ["an OAuth token", { CLAUDE_CODE_OAUTH_TOKEN: "tok" }, { kind: "real", credential: "CLAUDE_CODE_OAUTH_TOKEN" }],
    ["a base URL alone is no credential", { ANTHROPIC_BASE_URL: "https://proxy.example" }, { kind: "offline", url: OFFLINE }],
  ])("%s", (_name, env, expected) => {
    expect(chooseModel(env, OFFLINE)).toEqual(expected);
  });
});

it("says in one line that the offline model is used, and where", () => {
  const line = describeModel({ kind: "offline", url: OFFLINE });
  expect(line).toBe("No ANTHROPIC_API_KEY or CLAUDE_CODE_OAUTH_TOKEN: using the offline model at http://127.0.0.1:8790 (canned replies).");
  expect(line).not.toContain("\n");
  expect(describeModel({ kind: "real", credential: "CLAUDE_CODE_OAUTH_TOKEN" })).toContain("CLAUDE_CODE_OAUTH_TOKEN is set");
});

it("points the CLI at the offline model with a placeholder key and no telemetry; adds nothing for the real model", () => {
  expect(modelEnv({ kind: "offline", url: OFFLINE })).toEqual({
    ANTHROPIC_BASE_URL: OFFLINE,
    ANTHROPIC_API_KEY: "offline-model",
    DISABLE_TELEMETRY: "1",
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
  });
  expect(modelEnv({ kind: "real", credential: "ANTHROPIC_API_KEY" })).toEqual({});
});
