// The relay's tools by name (runs/agent-tools.ts), over a real SQLite: send_file joins the
// outbox once per call, or is refused where files cannot be sent; any other name is a schedule tool.
import { describe, expect, it } from "vitest";
import { createToolRunner } from "../../src/runs/agent-tools";
import { T0, useUnitDb } from "./helpers/unit-db";

const t = useUnitDb();
const call = { vmRunId: "vm-run-1", callId: "call-1", origin: null };
const file = { fileId: "f1", name: "report.pdf", contentType: "application/pdf", size: 1_000, caption: "the report" };

function runner(canSendFiles: boolean) {
  const files = { copy: async () => ({ ok: false as const, reason: "not copied in these tests", retry: false }), link: async () => null };
  const { repos } = t;
  return createToolRunner({
    outbox: repos.outbox,
    files: canSendFiles ? files : null,
    schedules: { schedules: repos.schedules, settings: repos.settings, countHeld: () => 0, conversationName: () => "main", repoTrusted: () => false },
  });
}

describe("createToolRunner", () => {
  it("queues a sent file once per call, caption as its body", () => {
    const run = runner(true);
    expect(run("send_file", file, 1, T0, call)).toMatchObject({ ok: true });
    expect(run("send_file", file, 1, T0, call)).toMatchObject({ ok: true });
    expect(t.rows<{ body: string }>("SELECT body FROM outbox")).toEqual([{ body: "the report" }]);
  });

  it("refuses a file where none can be sent, and queues nothing", () => {
    expect(runner(false)("send_file", file, 1, T0, call)).toMatchObject({ ok: false, text: expect.stringContaining("no media storage") });
    expect(t.rows("SELECT id FROM outbox")).toEqual([]);
  });

  it("hands any other tool to the schedule tools", () => {
    const answer = runner(true)("schedule_create", { kind: "at", at: "2026-11-24 09:00", prompt: "water the plants" }, 1, T0, call);
    expect(answer).toMatchObject({ ok: true });
    expect(t.rows<{ prompt: string }>("SELECT prompt FROM schedules")).toEqual([{ prompt: "water the plants" }]);
    expect(runner(true)("no_such_tool", {}, 1, T0, call)).toMatchObject({ ok: false });
  });

  it("keeps the event a run carries as the origin of a task it makes; the user's own runs leave none", () => {
    const origin = { label: "acme/api#12 issue", repo: "acme/api" };
    expect(runner(true)("schedule_create", { kind: "every", every: "1h", prompt: "send the numbers" }, 1, T0, { ...call, origin })).toMatchObject({ ok: true });
    expect(runner(true)("schedule_create", { kind: "every", every: "2h", prompt: "mine" }, 1, T0, call)).toMatchObject({ ok: true });
    expect(t.rows("SELECT prompt, origin_label, origin_repo, origin_trusted_at FROM schedules ORDER BY id")).toEqual([
      { prompt: "send the numbers", origin_label: "acme/api#12 issue", origin_repo: "acme/api", origin_trusted_at: null },
      { prompt: "mine", origin_label: null, origin_repo: null, origin_trusted_at: null },
    ]);
  });
});
