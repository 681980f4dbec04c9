import { describe, expect, it } from "vitest";
import { queuedIds, queuedOrder } from "../relay/queued-lines";

describe("queuedIds", () => {
  it.each([
    { line: { event: "message_queued", messageIds: ["SM1", "SM2"], rowsWritten: 7 }, ids: ["SM1", "SM2"] },
    { line: { event: "message_queued", messageId: "SM1", rowsWritten: 4 }, ids: ["SM1"] },
    { line: { event: "message_queued", rowsWritten: 4 }, ids: [] },
    { line: { event: "message_duplicate", messageId: "SM1" }, ids: [] },
    { line: { event: "pump_done", messageIds: ["SM1"] }, ids: [] },
  ])("$line → $ids", ({ line, ids }) => {
    expect(queuedIds(line)).toEqual(ids);
  });
});

it("queuedOrder: the ids in the order the lines recorded them, one phone's burst after another's", () => {
  const logs = [
    { event: "message_queued", messageIds: ["A1"] },
    { event: "message_queued", messageIds: ["B1"] },
    { event: "run_failure" },
    { event: "message_queued", messageIds: ["A2", "A3"] },
    { event: "message_queued", messageId: "B2" },
  ];
  expect(queuedOrder(logs)).toEqual(["A1", "B1", "A2", "A3", "B2"]);
});
