// A VM holding the offline model's key (the local stack without credentials): the CLI prices the
// canned tokens as the real model's, the VM reports them free and says why.
import { expect, it } from "vitest";
import { OFFLINE_MODEL_KEY } from "../../src/protocol/vm/runs";
import { uniqueId, useHarness } from "./helpers/harness";

const h = useHarness({ cliEnv: { ANTHROPIC_API_KEY: OFFLINE_MODEL_KEY } });

it("reports a result of the offline model at $0, marked offlineModel", async () => {
  const reader = await h.startRun({ runId: uniqueId("run"), text: "hello" });
  const events = await reader.end();
  const result = events.find((e) => e.type === "result");
  expect(result).toMatchObject({ type: "result", isError: false, costUsd: 0, offlineModel: true });
});
