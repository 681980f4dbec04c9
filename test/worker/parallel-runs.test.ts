// Several conversations of one user run at once (MAX_PARALLEL_RUNS, 3 here): what waits past the
// limit and for what, /status with each live run, /stop <name> and /stop all, and a typed "yes"
// with prompts of two conversations open.
import { beforeAll, expect, it } from "vitest";
import { ask, bodies, eventually, query, releaseVm, sendInbound, sentTo, vmRequests } from "./helpers";
import { allowPhones } from "./trigger-helpers";

const PHONES = ["+15550003451", "+15550003452", "+15550003453"] as const;
beforeAll(() => allowPhones(PHONES));

const startsOf = async (phone: string) => (await vmRequests(phone)).filter((r) => r.kind === "start").map((r) => r.messages?.[0]?.text);

it("three conversations run at once; a fourth waits, told once which run it waits for; /status lists each; /stop <name> frees a place", async () => {
  const phone = PHONES[0];
  for (const name of ["api", "web", "docs"]) await ask(phone, `/new ${name}`);
  await sendInbound(phone, "@api fix the flaky test [[vm:hold]]");
  await sendInbound(phone, "@web draft the release notes [[vm:hold]]");
  await sendInbound(phone, "@docs tidy the index [[vm:hold]]");
  await eventually(async () => (await startsOf(phone)).length === 3);
  // Nothing of one run waited for another.
  expect((await startsOf(phone)).sort()).toEqual(["draft the release notes [[vm:hold]]", "fix the flaky test [[vm:hold]]", "tidy the index [[vm:hold]]"]);

  await sendInbound(phone, "@main what time is it");
  const notice = await eventually(async () => bodies(await sentTo(phone)).find((b) => b?.startsWith("⏳")));
  expect(notice).toBe("⏳ [main] waits: 3 runs are going at once, the most there may be. It starts when one ends, at the latest when [api] (started just now) does. /status lists them, /stop <name> ends one.");
  expect(await startsOf(phone)).toHaveLength(3);

  const status = await ask(phone, "/status");
  expect(status).toContain("3 runs are going at once (/stop <name> ends one, /stop all every one):");
  expect(status).toContain("• api: busy for under a minute (the run for “fix the flaky test”)");
  expect(status).toContain("• web: busy for under a minute (the run for “draft the release notes”)");
  expect(status).toContain("Waiting: main 1.");

  expect(await ask(phone, "/stop web")).toBe("[web] Stopped the run on “draft the release notes”.");
  // Its place goes to the message that waited, which is answered while api and docs still run.
  await eventually(async () => bodies(await sentTo(phone)).includes("[main] echo: what time is it"));
  // Told once, however many steps passed meanwhile.
  expect(bodies(await sentTo(phone)).filter((b) => b?.startsWith("⏳"))).toHaveLength(1);
  expect(await query(phone, "SELECT outcome FROM runs WHERE outcome IS NOT NULL ORDER BY created_at")).toEqual([{ outcome: "cancelled" }, { outcome: "done" }]);
  await releaseVm(phone);
  await eventually(async () => bodies(await sentTo(phone)).filter((b) => /echo: (fix the flaky test|tidy the index)/.test(b ?? "")).length === 2);
});

it("/stop all ends every live run and names what each dropped; plain /stop ends only the current conversation's", async () => {
  const phone = PHONES[1];
  await ask(phone, "/new api");
  await sendInbound(phone, "long api job [[vm:hold]]");
  await sendInbound(phone, "@main long main job [[vm:hold]]");
  await eventually(async () => (await startsOf(phone)).length === 2);
  // The current conversation is api: plain /stop ends its run only.
  expect(await ask(phone, "/stop")).toBe("Stopped the run on “long api job”.");
  expect(await query(phone, "SELECT c.name, r.outcome FROM runs r JOIN conversations c ON c.id = r.conversation_id ORDER BY r.created_at")).toEqual([
    { name: "api", outcome: "cancelled" },
    { name: "main", outcome: null },
  ]);
  await sendInbound(phone, "@api again [[vm:hold]]");
  await eventually(async () => (await startsOf(phone)).length === 3);
  const reply = await ask(phone, "/stop all");
  expect(reply.split("\n").sort()).toEqual(["[api] Stopped the run on “again”.", "[main] Stopped the run on “long main job”."]);
  await eventually(async () => (await vmRequests(phone)).filter((r) => r.kind === "cancel").length === 3);
  expect(await query(phone, "SELECT count(*) AS open FROM runs WHERE outcome IS NULL")).toEqual([{ open: 0 }]);
  expect(await ask(phone, "/stop all")).toBe("Nothing is running.");
  expect(await ask(phone, "/stop nosuch")).toContain("nosuch");
});

it("a typed yes with prompts of two conversations open asks which one, each named, with a button per prompt, and answers none", async () => {
  const phone = PHONES[2];
  await ask(phone, "/new api");
  await sendInbound(phone, "run the tests [[vm:approval Bash npm test]]");
  // main's prompt is asked after api's, the conversation the user writes in: a bare yes could be either.
  await eventually(async () => (await query(phone, "SELECT id FROM approvals WHERE status = 'pending'")).length === 1);
  await sendInbound(phone, "@main deploy [[vm:approval Bash ./deploy.sh]]");
  await eventually(async () => (await query(phone, "SELECT id FROM approvals WHERE status = 'pending'")).length === 2);
  const prompts = (await sentTo(phone)).filter((m) => m.body?.includes("npm test") || m.body?.includes("deploy.sh"));
  // Each prompt names its conversation.
  expect(prompts.some((p) => p.body?.includes("api"))).toBe(true);
  expect(prompts.some((p) => p.body?.includes("main"))).toBe(true);

  const before = (await sentTo(phone)).length;
  await sendInbound(phone, "yes");
  const which = await eventually(async () => (await sentTo(phone))[before]);
  // `yes all` answers the prompts of the conversation it is written in.
  expect(which.body).toMatch(/^2 approvals are open: answer one \(yes \d\) or all of “api”'s \(yes all\)\.\n#\d \[(api|main)\] .*(npm test|deploy\.sh)\n#\d \[(api|main)\] .*(npm test|deploy\.sh)$/);
  expect(which.buttons.map((b) => b.title).sort()).toEqual(["Yes #1 api", "Yes #2 main"].sort());
  expect(await query(phone, "SELECT status FROM approvals ORDER BY id")).toEqual([{ status: "pending" }, { status: "pending" }]);

  // A tap answers that prompt only.
  const main = which.buttons.find((b) => b.title.endsWith("main"))!;
  await sendInbound(phone, main.title, { ButtonText: main.title, ButtonPayload: main.id });
  await eventually(async () => bodies(await sentTo(phone)).some((b) => b?.includes("approved: Bash ./deploy.sh")));
  const rows = await query<{ status: string; name: string }>(phone, "SELECT a.status, c.name FROM approvals a JOIN conversations c ON c.id = a.conversation_id ORDER BY a.id");
  expect(rows).toEqual([
    { status: "pending", name: "api" },
    { status: "allowed", name: "main" },
  ]);
  expect(await ask(phone, "no")).toContain("Denied");
});
