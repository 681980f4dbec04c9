// Approvals from the phone, through the Worker, the PhoneAgent, the Twilio emulator and the VM
// stand-in (which asks on `[[vm:approval TOOL ARG]]` when a run carries options.approvals).
import { abortAllDurableObjects, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { expect, it } from "vitest";
import { ask, eventually, inboundForm, postSigned, query, resetToSchema, sendInbound, sentTo, stubFor, vmRequests } from "./helpers";

type ApprovalRow = { id: number; status: string; answer: string | null; delivery: string; tool: string; rule: string | null; number: number };

// Whether the VM heard a decision is the VM run's owed answer (vm_answers); none yet: "none".
const approvalsOf = (phone: string) =>
  query<ApprovalRow>(
    phone,
    `SELECT a.id, a.status, a.answer, coalesce(v.delivery, 'none') AS delivery, a.tool, a.rule, a.number FROM approvals a
      LEFT JOIN vm_answers v ON v.kind = 'approval' AND v.vm_run_id = a.vm_run_id AND v.ask_id = a.request_id ORDER BY a.id`,
  );

/** Sends `text` and waits for the approval prompt it causes; returns the prompt as the emulator has it. */
async function promptFor(phone: string, text: string) {
  const before = (await sentTo(phone)).length;
  await sendInbound(phone, text);
  return eventually(async () => {
    const sent = (await sentTo(phone)).slice(before);
    return sent.find((m) => (m.body ?? "").includes("🔐 Approval"));
  });
}

const runFinished = (phone: string) => eventually(async () => (await query<{ phase: string }>(phone, "SELECT phase FROM runs ORDER BY created_at DESC LIMIT 1"))[0]?.phase === "finished");

/** Waits for a message whose body matches. */
async function nextMatching(phone: string, pattern: RegExp) {
  return eventually(async () => (await sentTo(phone)).find((m) => pattern.test(m.body ?? "")));
}

it("a new conversation asks: the prompt is stored, sent with buttons, and a typed yes lets the command run", async () => {
  const phone = "+15550000171";
  const prompt = await promptFor(phone, "run the tests [[vm:approval Bash npm test]]");
  const [start] = (await vmRequests(phone)).filter((r) => r.kind === "start");
  // APPROVALS_DEFAULT is edits, with APPROVAL_TIMEOUT_MS's default.
  expect(start!.options!.approvals).toEqual({ mode: "edits", timeoutMs: 600_000 });
  expect(prompt.body).toContain("🔐 Approval #1 in main: the agent wants to run a command:\nnpm test\n");
  expect(prompt.body).toContain("Reply yes 1, no 1 or always 1");
  // The Content API carries the same prompt with quick-reply buttons.
  expect(prompt.contentSid).toMatch(/^HX[0-9a-f]{32}$/);
  expect(prompt.buttons.map((b) => b.title)).toEqual(["Yes", "No", "Always"]);
  const [row] = await approvalsOf(phone);
  expect(row).toMatchObject({ status: "pending", tool: "Bash", rule: "Bash(npm test:*)", delivery: "none" });

  expect(await ask(phone, "yes")).toMatch(/^✅ Allowed: Run a command: npm test\./);
  const reply = await nextMatching(phone, /^approved: /);
  expect(reply.body).toBe("approved: Bash npm test");
  const answers = (await vmRequests(phone)).filter((r) => r.kind === "approval");
  expect(answers).toHaveLength(1);
  expect(answers[0]).toMatchObject({ decision: "allow", status: 202 });
  expect(answers[0]!.remember).toBeUndefined();
  expect(await approvalsOf(phone)).toEqual([expect.objectContaining({ status: "allowed", answer: "yes", delivery: "done" })]);
});

it("a tapped button answers the prompt it was under, exactly as Twilio posts it", async () => {
  const phone = "+15550000172";
  const prompt = await promptFor(phone, "deploy [[vm:approval Bash ./deploy.sh]]");
  const no = prompt.buttons.find((b) => b.title === "No")!;
  await sendInbound(phone, "No", { ButtonText: "No", ButtonPayload: no.id });
  const reply = await nextMatching(phone, /^denied: /);
  expect(reply.body).toBe("denied: the user declined");
  expect((await vmRequests(phone)).filter((r) => r.kind === "approval").map((r) => r.decision)).toEqual(["deny"]);
  const [row] = await approvalsOf(phone);
  expect(row).toMatchObject({ status: "denied", answer: "no", delivery: "done" });
  // A second tap on the same prompt (a new message, not a retry) changes nothing and says so.
  await sendInbound(phone, "Yes", { ButtonText: "Yes", ButtonPayload: prompt.buttons.find((b) => b.title === "Yes")!.id });
  await nextMatching(phone, /^That request was already denied; nothing changed\.$/);
  expect((await vmRequests(phone)).filter((r) => r.kind === "approval")).toHaveLength(1);
});

it("always remembers the rule for the conversation, and /approvals forget clears it on the VM", async () => {
  const phone = "+15550000173";
  await promptFor(phone, "[[vm:approval Bash npm test -- --watch]]");
  expect(await ask(phone, "always")).toContain("does not ask for Bash(npm test:*)");
  expect((await nextMatching(phone, /^approved: /)).body).toBe("approved: Bash npm test -- --watch, remembered Bash(npm test:*)");
  expect(await ask(phone, "/approvals")).toContain("Always allowed: Bash(npm test:*).");
  expect(await ask(phone, "/approvals forget")).toBe("Forgot what was always allowed in main: the agent asks again.");
  expect((await vmRequests(phone)).filter((r) => r.kind === "forget-rules")).toEqual([expect.objectContaining({ workspace: "main", status: 200 })]);
  expect(await ask(phone, "/approvals")).toContain("Nothing is always allowed.");
  const log = await ask(phone, "/approvals log");
  expect(log).toMatch(/ · \[main\] · Bash · Run a command: npm test -- --watch · allowed always/);
});

it("an answer Twilio delivers twice is applied once", async () => {
  const phone = "+15550000174";
  await promptFor(phone, "[[vm:approval Bash make release]]");
  const form = inboundForm(phone, "yes");
  expect((await postSigned("/twilio/inbound", form)).status).toBe(200);
  expect((await postSigned("/twilio/inbound", form)).status).toBe(200);
  await nextMatching(phone, /^approved: /);
  expect((await vmRequests(phone)).filter((r) => r.kind === "approval")).toHaveLength(1);
  expect((await sentTo(phone)).filter((m) => (m.body ?? "").startsWith("✅ Allowed"))).toHaveLength(1);
});

it("a prompt nobody answers is denied by the alarm, the user told once, the agent told why", async () => {
  const phone = "+15550000175";
  await promptFor(phone, "[[vm:approval Bash rm -rf dist]]");
  // As if the timeout had passed: the prompt's deadline is behind us (and the object, idle that
  // long, was evicted: abortAllDurableObjects ends it at once, where an eviction waits for its pump).
  await runInDurableObject(stubFor(phone), (_o, state) => {
    state.storage.sql.exec("UPDATE approvals SET expires_at = ?", Date.now() - 1);
    // The deadline the approvals unit keeps for the alarm moves with it.
    state.storage.sql.exec("UPDATE due_times SET due_at = ? WHERE unit = 'approvals'", Date.now() - 1);
  });
  await abortAllDurableObjects();
  await runDurableObjectAlarm(stubFor(phone));
  const told = await nextMatching(phone, /^⌛ Not approved in time/);
  expect(told.body).toContain("rm -rf dist");
  const reply = await nextMatching(phone, /^denied: /);
  expect(reply.body).toMatch(/^denied: Not approved in time/);
  expect(await approvalsOf(phone)).toEqual([expect.objectContaining({ status: "expired", answer: null, delivery: "done" })]);
  await runFinished(phone);
  // A late yes is no longer an answer: it goes to the agent as text (a run of its own).
  expect(await ask(phone, "yes")).toBe("echo: yes");
});

it("a prompt survives eviction: the answer reaches the VM when the stream is back", async () => {
  const phone = "+15550000176";
  await promptFor(phone, "[[vm:approval Bash npm run migrate]]");
  // The instance dies with its stream (abortAllDurableObjects: an eviction that does not wait for the pump).
  await abortAllDurableObjects();
  await sendInbound(phone, "yes");
  expect((await nextMatching(phone, /^approved: /)).body).toBe("approved: Bash npm run migrate");
  expect((await vmRequests(phone)).filter((r) => r.kind === "approval")).toEqual([expect.objectContaining({ decision: "allow", status: 202 })]);
});

it("/stop denies every pending prompt and ends the run", async () => {
  const phone = "+15550000177";
  await promptFor(phone, "[[vm:approval Bash terraform apply]]");
  expect(await ask(phone, "/stop")).toBe("Stopped the run on “[[vm:approval Bash terraform apply]]”. Denied 1 pending approval.");
  await eventually(async () => (await vmRequests(phone)).some((r) => r.kind === "cancel"));
  await runFinished(phone);
  expect(await approvalsOf(phone)).toEqual([expect.objectContaining({ status: "stopped" })]);
  // Nothing is open any more: "yes" is text for the agent again.
  expect(await ask(phone, "yes")).toBe("echo: yes");
});

it("only the owner answers: another phone's yes and tap go nowhere near the prompt", async () => {
  const owner = "+15550000178";
  const other = "+15550000179";
  const prompt = await promptFor(owner, "[[vm:approval Bash git push --force]]");
  // The other phone has no prompt open: its "yes" is text for its own agent.
  expect(await ask(other, "yes")).toBe("echo: yes");
  // And the owner's button, posted from the other phone, is not known in the other phone's object.
  const yes = prompt.buttons.find((b) => b.title === "Yes")!;
  expect(await ask(other, "Yes")).toBe("echo: Yes");
  await sendInbound(other, "Yes", { ButtonText: "Yes", ButtonPayload: yes.id });
  await nextMatching(other, /^That approval request is not known here\.$/);
  expect((await vmRequests(owner)).filter((r) => r.kind === "approval")).toHaveLength(0);
  expect(await approvalsOf(owner)).toEqual([expect.objectContaining({ status: "pending" })]);
  await ask(owner, "no");
});

it("parallel requests are numbered; `yes 2` answers one, `no all` the rest, a bare yes asks which", async () => {
  const phone = "+15550000142";
  const before = (await sentTo(phone)).length;
  await sendInbound(phone, "[[vm:approval Bash npm ci]] [[vm:approval Bash npm run build]] [[vm:approval Write /etc/motd]]");
  const prompts = await eventually(async () => {
    const sent = (await sentTo(phone)).slice(before).filter((m) => (m.body ?? "").includes("🔐 Approval"));
    return sent.length === 3 && sent;
  });
  expect(prompts[1]!.body).toContain("Reply yes 2, no 2 or always 2");
  expect(prompts[2]!.body).toContain("Approval #3");
  expect((await approvalsOf(phone)).map((a) => a.number)).toEqual([1, 2, 3]);
  expect(await ask(phone, "yes")).toBe("3 approvals are open: answer one (yes 1) or all (yes all).");
  expect(await ask(phone, "yes 2")).toBe("✅ Allowed: Run a command: npm run build.");
  expect(await ask(phone, "no 9")).toBe("No open approval #9. Open: #1, #3.");
  expect(await ask(phone, "no all")).toBe("🚫 Denied: 2 requests (#1, #3). The agent is told it was not done.");
  const reply = await nextMatching(phone, /^denied: .* \| approved: .* \| denied: /);
  expect(reply.body).toBe("denied: the user declined | approved: Bash npm run build | denied: the user declined");
});

it("/approvals sets the conversation's mode: off runs with bypassPermissions and asks nothing", async () => {
  const phone = "+15550000143";
  expect(await ask(phone, "/approvals")).toMatch(/^Approvals in main: edits: file edits in the project go ahead, and so do the commands mkdir, touch, rm, rmdir, mv, cp, sed/);
  expect(await ask(phone, "/approvals on")).toBe("Approvals in main: on (was edits).");
  expect(await ask(phone, "/approvals sometimes")).toBe("/approvals takes off, edits, on, forget or log, not “sometimes”.");
  await promptFor(phone, "[[vm:approval Bash ls]]");
  await ask(phone, "yes");
  await runFinished(phone);
  expect(await ask(phone, "/approvals off")).toBe("Approvals in main: off (was on).");
  expect(await ask(phone, "again [[vm:approval Bash ls]]")).toBe("done without asking: Bash ls");
  const starts = (await vmRequests(phone)).filter((r) => r.kind === "start");
  expect(starts.map((s) => s.options!.approvals)).toEqual([{ mode: "on", timeoutMs: 600_000 }, undefined]);
  expect(starts[1]!.options!.permissionMode).toBe("bypassPermissions");
});

it("an upgraded object keeps approvals off in the conversations it had; new ones get the default", async () => {
  const phone = "+15550000144";
  await runInDurableObject(stubFor(phone), (_o, state) => {
    resetToSchema(state.storage, 8);
    // A user who wrote before approvals existed.
    state.storage.sql.exec("INSERT INTO settings (key, value) VALUES ('public_origin', 'https://relay.example.test')");
  });
  await abortAllDurableObjects();
  expect(await ask(phone, "hello [[vm:approval Bash make]]")).toBe("done without asking: Bash make");
  expect(await ask(phone, "/approvals")).toMatch(/^Approvals in main: off: the agent acts without asking\./);
  expect(await ask(phone, "/new api")).toMatch(/api/);
  expect(await ask(phone, "/approvals")).toMatch(/^Approvals in api: edits:/);
});

it("a scheduled task asks with its conversation's mode, and its result says what was denied", async () => {
  const phone = "+15550000145";
  await ask(phone, "/schedule every 1h check deps [[vm:approval Bash npm audit fix]]");
  await runInDurableObject(stubFor(phone), async (_o, state) => {
    state.storage.sql.exec("UPDATE schedules SET next_run_at = ?", Date.now() - 1);
    state.storage.sql.exec("UPDATE due_times SET due_at = ? WHERE unit = 'schedules'", Date.now() - 1);
    await state.storage.setAlarm(Date.now());
  });
  // The alarm's pump reads the task's stream while the prompt waits: not awaited until answered.
  const alarm = runDurableObjectAlarm(stubFor(phone));
  await nextMatching(phone, /🔐 Approval/);
  const [start] = (await vmRequests(phone)).filter((r) => r.kind === "start");
  expect(start!.options!.approvals).toEqual({ mode: "edits", timeoutMs: 600_000 });
  await sendInbound(phone, "no");
  const result = await nextMatching(phone, /^⏰ Task #1/);
  expect(result.body).toContain("denied: the user declined");
  expect(result.body).toContain("Not approved during this task: Run a command: npm audit fix (denied).");
  await alarm;
});

it("an answer the VM no longer waits for is told it came too late, once", async () => {
  const phone = "+15550000198";
  await promptFor(phone, "[[vm:approval Bash make deploy]]");
  // As if the VM had lost the request (a restart that kept the run): it answers 404 unknown_approval.
  await runInDurableObject(stubFor(phone), (_o, state) => state.storage.sql.exec("UPDATE approvals SET request_id = 'appr-gone'"));
  await abortAllDurableObjects();
  await sendInbound(phone, "yes");
  const late = await nextMatching(phone, /came too late/);
  expect(late.body).toBe("Your answer to “Run a command: make deploy” came too late: the agent had stopped waiting for it, so it was not done.");
  expect((await vmRequests(phone)).filter((r) => r.kind === "approval")).toEqual([expect.objectContaining({ requestId: "appr-gone", status: 404 })]);
  expect(await approvalsOf(phone)).toEqual([expect.objectContaining({ status: "allowed", delivery: "late" })]);
  await ask(phone, "/stop");
});
