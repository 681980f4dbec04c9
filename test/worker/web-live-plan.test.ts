// The agent's plan on the page: named as a plan, its text as written (never the request's JSON),
// and answered from the page while the run is live with the card's three answers, each doing what
// the chat's button does: the run goes on in the mode chosen, or the next message plans again; the
// chat's plan question is closed with it, so nothing later takes a typed 1/2/3 for it.
import { exports } from "cloudflare:workers";
import { afterEach, expect, it } from "vitest";
import { PLAN_CHANGE_MESSAGE } from "../../src/approvals/plan-card";
import { ask, bodies, eventually, query, sendInbound, sentTo, vmRequests } from "./helpers";
import { TEST_PUBLIC_URL } from "./test-env";
import { closeAll, eventsWhen, FROM_PAGE, LINK, mustOpen, type PageSocket } from "./web-live-helpers";

const opened: PageSocket[] = [];
afterEach(() => closeAll(opened.splice(0)));

const PLAN = "# Tidy the notes\n1. Read notes.txt\n2. Rewrite it in order";
const act = (path: string, body: unknown) =>
  exports.default.fetch(new Request(`${TEST_PUBLIC_URL}${path}/live/act`, { method: "POST", headers: { ...FROM_PAGE, "content-type": "application/json" }, body: JSON.stringify(body) }));
const runOpen = async (phone: string) => (await query<{ n: number }>(phone, "SELECT count(*) AS n FROM runs WHERE outcome IS NULL"))[0]!.n > 0;
const approvalAnswers = async (phone: string) => (await vmRequests(phone)).filter((r) => r.kind === "approval");

/** `/plan` with the stand-in presenting PLAN: the card reached the chat; the page's link, its HTML and its open socket, and the plan's event on it. */
async function planOnThePage(phone: string) {
  await sendInbound(phone, `/plan tidy the notes [[vm:plan ${PLAN}]]`);
  await eventually(async () => bodies(await sentTo(phone)).some((b) => b?.includes("📋 The agent's plan in main")));
  const path = LINK.exec(await ask(phone, "/web"))![1]!;
  const html = await (await exports.default.fetch(new Request(`${TEST_PUBLIC_URL}${path}`))).text();
  const socket = await mustOpen(`${path}/live`);
  opened.push(socket);
  const plan = (await eventsWhen(socket, (e) => e.some((m) => m.kind === "approval"))).find((m) => m.kind === "approval")! as { approvalId: number; text: string; plan?: boolean };
  return { path, html, socket, plan };
}

it("shows the plan as a plan, and goes ahead with edits accepted from the page; the chat's question is closed", async () => {
  const phone = "+15550000259";
  const { path, html, socket, plan } = await planOnThePage(phone);
  // Named as a plan, its text whole with its lines, under the run too; never the tool's name or its JSON.
  expect(html).toMatch(/<li class="approval" data-seq="\d+" data-approval="\d+" data-plan=""><time>[^<]+<\/time><b> Plan \(nothing changed yet\) <\/b><span class="live-text"># Tidy the notes\n1\. Read notes\.txt\n2\. Rewrite it in order<\/span><\/li>/);
  expect(html).toContain(`<li class="plan"><b>The agent&#39;s plan</b>: ${PLAN}\n→ waiting for your answer</li>`);
  expect(html).not.toContain("ExitPlanMode");
  expect(html).not.toContain('{"plan"');
  expect(plan).toMatchObject({ text: PLAN, plan: true });
  // The page's script offers the plan's three answers (its words, as the card's).
  const script = await (await exports.default.fetch(new Request(`${TEST_PUBLIC_URL}/web/live.js`))).text();
  expect(script).toContain('[["ask","Go ahead, ask before edits"],["accept","Go ahead, accept edits"],["change","Change it"]]');

  const answered = await act(path, { kind: "plan", approvalId: plan.approvalId, choice: "accept" });
  expect(answered.status).toBe(200);
  expect(await answered.json()).toEqual({ said: "Going ahead with the plan in main; edits go ahead without asking (other commands are still asked)." });
  // The VM heard "allow, go on accepting edits"; the run went on in that mode and answered.
  await eventually(async () => bodies(await sentTo(phone)).some((b) => b === "plan approved, mode acceptEdits"));
  expect((await approvalAnswers(phone)).map((r) => [r.decision, r.mode, r.status])).toEqual([["allow", "acceptEdits", 202]]);
  expect(bodies(await sentTo(phone))).toContain("Going ahead with the plan in main; edits go ahead without asking (other commands are still asked). (answered on the page)");
  await eventsWhen(socket, (e) => e.some((m) => m.kind === "answered" && m.approvalId === plan.approvalId));
  await eventually(async () => !(await runOpen(phone)));

  // The chat's plan question is closed, and the conversation plans no more: a typed "1" now is a message to the agent.
  expect(await query<{ closed: number }>(phone, "SELECT closed_at IS NOT NULL AS closed FROM questions WHERE kind = 'plan'")).toEqual([{ closed: 1 }]);
  expect(await ask(phone, "1")).toBe("echo: 1");
  const starts = (await vmRequests(phone)).filter((r) => r.kind === "start");
  expect(starts.map((s) => s.options?.permissionMode)).toEqual(["plan", "bypassPermissions"]);
  // Nothing but the card itself (which says what happens unanswered) said the plan went unanswered, and it was answered once.
  const afterCard = bodies(await sentTo(phone)).filter((b) => !b?.includes("📋 The agent's plan"));
  expect(afterCard.filter((b) => /not answered|not carried out|nobody answered|timed out/i.test(b ?? ""))).toEqual([]);
  expect((await act(path, { kind: "plan", approvalId: plan.approvalId, choice: "ask" })).status).toBe(409);
});

it("'Change it' from the page: the agent is told to wait, and the next message plans again; a bare yes/no goes ahead asking", async () => {
  const phone = "+15550000260";
  const first = await planOnThePage(phone);
  expect((await act(first.path, { kind: "plan", approvalId: first.plan.approvalId, choice: "change" })).status).toBe(200);
  await eventually(async () => bodies(await sentTo(phone)).some((b) => b === `denied: ${PLAN_CHANGE_MESSAGE}`));
  expect(bodies(await sentTo(phone))).toContain("OK: send your change, and the agent plans again in main. (answered on the page)");
  await eventually(async () => !(await runOpen(phone)));

  // The change, planned again; answered with the page's plain "yes" (a page loaded before plans had their own buttons): go ahead, asking before edits.
  await sendInbound(phone, `only the first section [[vm:plan ${PLAN}]]`);
  const approvalId = await eventually(async () => (await query<{ id: number }>(phone, "SELECT id FROM approvals WHERE status = 'pending'"))[0]?.id);
  expect((await act(first.path, { kind: "answer", approvalId, answer: "yes" })).status).toBe(200);
  await eventually(async () => bodies(await sentTo(phone)).some((b) => b === "plan approved, mode default"));
  const starts = (await vmRequests(phone)).filter((r) => r.kind === "start");
  expect(starts.map((s) => s.options?.permissionMode)).toEqual(["plan", "plan"]);
  expect((await approvalAnswers(phone)).map((r) => [r.decision, r.mode ?? null, r.message ?? null])).toEqual([
    ["deny", null, PLAN_CHANGE_MESSAGE],
    ["allow", "default", null],
  ]);
  await eventually(async () => !(await runOpen(phone)));
});

it("a plan's answer is only for a plan: an approval that is not one is refused and stays open", async () => {
  const phone = "+15550000272";
  expect(await ask(phone, "/approvals on")).toMatch(/^Approvals in main: on/);
  await sendInbound(phone, "clean up [[vm:approval Bash rm -rf build]]");
  await eventually(async () => bodies(await sentTo(phone)).some((b) => b?.includes("rm -rf build")));
  const path = LINK.exec(await ask(phone, "/web"))![1]!;
  const approvalId = (await query<{ id: number }>(phone, "SELECT id FROM approvals WHERE status = 'pending'"))[0]!.id;
  const refused = await act(path, { kind: "plan", approvalId, choice: "accept" });
  expect(refused.status).toBe(400);
  expect(await refused.json()).toMatchObject({ error: "That approval is not a plan: answer it yes or no." });
  expect((await query<{ status: string }>(phone, "SELECT status FROM approvals WHERE id = ?", approvalId))[0]?.status).toBe("pending");
  expect((await act(path, { kind: "answer", approvalId, answer: "no" })).status).toBe(200);
  await eventually(async () => bodies(await sentTo(phone)).includes("denied: the user declined"));
  await eventually(async () => !(await runOpen(phone)));
});
