import { expect, it } from "vitest";
import { ask, eventually, newSid, query, sendInbound, sentTo, stubFor, vmRequests } from "./helpers";
import { deliver, githubPermission, payloads, shippedPr, watch } from "./github-helpers";

const starts = async (phone: string) => (await vmRequests(phone)).filter((r) => r.kind === "start");
const said = (phone: string, match: (b: string) => boolean) => eventually(async () => (await sentTo(phone)).find((m) => m.body !== null && match(m.body)));

it("a failed CI run: one notice naming the PR, the failed checks and their summaries, with Fix it and Later; Fix it starts one run in the PR's conversation; green after red says so", async () => {
  const phone = "+15550000263";
  const secret = await watch(phone, "acme/ci");
  await shippedPr(phone, "acme/ci", 12);
  await deliver("check_run", payloads.checkRun("acme/ci", "test", "failure", "FAIL src/a.test.ts\nexpected 2, got 3"), secret);
  await deliver("check_run", payloads.checkRun("acme/ci", "lint", "success", "clean"), secret);
  expect((await deliver("check_suite", payloads.checkSuite("acme/ci", 12, "failure"), secret)).status).toBe(202);

  const notice = await said(phone, (b) => b.startsWith("❌ CI failed on acme/ci#12 (@main):"));
  expect(notice.body).toBe("❌ CI failed on acme/ci#12 (@main):\n• test\n  FAIL src/a.test.ts\n  expected 2, got 3\nhttps://github.com/acme/ci/pull/12");
  expect(notice.buttons.map((b) => b.title)).toEqual(["Fix it", "Later"]);
  const [fix, later] = notice.buttons;

  await sendInbound(phone, "Later", { ButtonText: "Later", ButtonPayload: later!.id });
  await said(phone, (b) => b.startsWith("OK, later."));
  expect(await starts(phone)).toHaveLength(0);

  await sendInbound(phone, "Fix it", { ButtonText: "Fix it", ButtonPayload: fix!.id });
  await said(phone, (b) => b === "▶️ GitHub: CI failed on acme/ci#12: started a run in @main.");
  const reply = await said(phone, (b) => b.startsWith("[acme/ci#12 CI] echo: CI failed on pull request acme/ci#12"));
  expect(reply.body).toContain("FAIL src/a.test.ts");
  expect(reply.body).toContain("the user's /ship pushes your change and updates #12");
  // A second tap on the same notice starts nothing more.
  await sendInbound(phone, "Fix it", { ButtonText: "Fix it", ButtonPayload: fix!.id });
  await said(phone, (b) => b === "That fix run was started already.");
  expect(await starts(phone)).toHaveLength(1);

  await deliver("check_suite", payloads.checkSuite("acme/ci", 12, "success", "def"), secret);
  await said(phone, (b) => b === "✅ CI passes again on acme/ci#12 (@main).");
});

it("/autofix on starts the fix run by itself on a CI failure, at most 3 times per pull request, then stops and says so", async () => {
  const phone = "+15550000264";
  expect(await ask(phone, "/autofix on")).toBe("Autofix is on in @main: a CI failure on its pull request starts a fix run by itself, at most 3 per pull request.");
  const secret = await watch(phone, "acme/auto");
  await shippedPr(phone, "acme/auto", 3);
  for (let i = 1; i <= 4; i++) {
    await deliver("check_suite", payloads.checkSuite("acme/auto", 3, "failure", `sha${i}`), secret);
    await said(phone, (b) => b.startsWith("❌ CI failed on acme/auto#3") && b.includes(i <= 3 ? `fix run ${i} of 3 started` : "Autofix stops here"));
  }
  const all = await eventually(async () => {
    const sent = await sentTo(phone);
    return sent.filter((m) => m.body?.startsWith("▶️ Autofix")).length === 3 && sent;
  });
  expect(all.filter((m) => m.body?.startsWith("▶️ Autofix")).map((m) => m.body)).toEqual([1, 2, 3].map((n) => `▶️ Autofix ${n}/3 of acme/auto#3: started a run in @main.`));
  // Only the last notice, after autofix stopped, has buttons.
  expect(all.filter((m) => m.body?.startsWith("❌")).map((m) => m.buttons.length)).toEqual([0, 0, 0, 2]);
  expect(await query(phone, "SELECT autofix_count FROM pull_requests WHERE number = 3")).toEqual([{ autofix_count: 3 }]);
  // Three fix requests reached the agent (queued ones of one conversation may share a run).
  expect(await query(phone, "SELECT count(*) AS n FROM messages WHERE origin LIKE 'Autofix %'")).toEqual([{ n: 3 }]);
  await eventually(async () => (await query<{ n: number }>(phone, "SELECT count(*) AS n FROM messages WHERE origin LIKE 'Autofix %' AND status = 'answered'"))[0]!.n === 3);
  expect((await vmRequests(phone)).filter((r) => r.kind === "start").length).toBeGreaterThanOrEqual(1);
});

it("an issue labelled agent starts a run in the repository's conversation; merged says one line and updates the PR", async () => {
  const phone = "+15550000265";
  await ask(phone, "/new lab https://github.com/acme/lab.git");
  await said(phone, (b) => b.startsWith("Cloned lab"));
  const secret = await watch(phone, "acme/lab");
  await deliver("issues", payloads.labelled("acme/lab", 7, "bug"), secret);
  await deliver("issues", payloads.labelled("acme/lab", 7, "agent"), secret);
  await said(phone, (b) => b === "▶️ GitHub: acme/lab#7 labelled agent: started a run in @lab.");
  const reply = await said(phone, (b) => b.startsWith("[acme/lab#7 issue] echo: GitHub issue acme/lab#7"));
  expect(reply.body).toContain("Steps: run it.");
  const [workspace] = await query<{ workspace: string }>(phone, "SELECT workspace FROM conversations WHERE name = 'lab'");
  expect((await starts(phone)).map((s) => s.workspace)).toEqual([workspace!.workspace]);

  await shippedPr(phone, "acme/lab", 8, "lab");
  await deliver("pull_request", payloads.closed("acme/lab", 8, true), secret);
  await said(phone, (b) => b === "🎉 acme/lab#8 (@lab) was merged.");
  expect(await query(phone, "SELECT state FROM pull_requests WHERE number = 8")).toEqual([{ state: "merged" }]);
});

it("with no conversation on the repository, a collaborator's /agent comment clones it first, then runs; others' are ignored", async () => {
  const phone = "+15550000266";
  const secret = await watch(phone, "acme/fresh");
  await githubPermission("acme/fresh", "bob", "write");
  await deliver("issue_comment", payloads.comment("acme/fresh", 4, "/agent fix it", "CONTRIBUTOR"), secret);
  await deliver("issue_comment", payloads.comment("acme/fresh", 4, "/agent add a test for the crash", "MEMBER"), secret);
  await said(phone, (b) => b === "GitHub: @bob's /agent on acme/fresh#4: no conversation has acme/fresh; cloning it into @fresh first, then the run starts.");
  await said(phone, (b) => b.startsWith("▶️ GitHub: @bob's /agent on acme/fresh#4: started a run in @fresh."));
  // The clone did not become the current conversation (the user did not ask for it): its reply names it.
  await said(phone, (b) => /^Cloned fresh \(.*\) in \d+ s\. \/switch fresh to write to it\.$/.test(b));
  const reply = await said(phone, (b) => b.startsWith("[fresh] [acme/fresh#4 comment] echo: @bob asked for you with /agent in a comment on acme/fresh#4."));
  expect(reply.body).toContain("add a test for the crash");
  const create = (await vmRequests(phone)).find((r) => r.kind === "create-workspace");
  expect(create?.clone).toEqual({ url: "https://github.com/acme/fresh.git" });
  expect(await starts(phone)).toHaveLength(1);
});

it("a review's comments come with it: the reviewer, file and line, and Fix it", async () => {
  const phone = "+15550000267";
  const secret = await watch(phone, "acme/rev");
  await shippedPr(phone, "acme/rev", 2);
  const repository = { full_name: "acme/rev" };
  await deliver("pull_request_review_comment", { action: "created", repository, comment: { user: { login: "ann" }, path: "src/api.ts", line: 41, body: "Handle the 404.", pull_request_review_id: 90 }, pull_request: { number: 2 } }, secret);
  await deliver("pull_request_review", { action: "submitted", repository, review: { id: 90, user: { login: "ann" }, state: "changes_requested", body: "Almost.", html_url: "https://github.com/acme/rev/pull/2#pullrequestreview-90" }, pull_request: { number: 2, title: "T", html_url: "https://github.com/acme/rev/pull/2" } }, secret);
  const notice = await said(phone, (b) => b.startsWith("💬"));
  expect(notice.body).toBe("💬 @ann requested changes on acme/rev#2 (@main):\nAlmost.\n• src/api.ts:41: Handle the 404.\nhttps://github.com/acme/rev/pull/2#pullrequestreview-90");
  expect(notice.buttons.map((b) => b.title)).toEqual(["Fix it", "Later"]);
});

it("two issues labelled agent while the repository is still being cloned: both runs start once the clone is there", async () => {
  const phone = "+15550000268";
  const secret = await watch(phone, "acme/twice");
  await deliver("issues", payloads.labelled("acme/twice", 1, "agent"), secret);
  // The first one's clone is under way: the second waits for it rather than being refused.
  await deliver("issues", payloads.labelled("acme/twice", 2, "agent"), secret);
  await said(phone, (b) => b.startsWith("▶️ GitHub: acme/twice#1 labelled agent: started a run in @twice."));
  await said(phone, (b) => b.startsWith("▶️ GitHub: acme/twice#2 labelled agent: started a run in @twice."));
  // Each event's run goes alone (it asks before every action; the user's messages do not join it), named by its event.
  await said(phone, (b) => b.startsWith("[twice] [acme/twice#1 issue] echo: GitHub issue acme/twice#1"));
  await said(phone, (b) => b.startsWith("[twice] [acme/twice#2 issue] echo: GitHub issue acme/twice#2"));
  expect((await vmRequests(phone)).filter((r) => r.kind === "create-workspace")).toHaveLength(1);
  expect((await sentTo(phone)).filter((m) => m.body?.includes("not started"))).toEqual([]);
});

it("a tap on Fix it is taken once for good (its buttons may go), one on Later leaves them, one on a notice that is gone has expired", async () => {
  const phone = "+15550000269";
  const secret = await watch(phone, "acme/taps");
  await shippedPr(phone, "acme/taps", 7);
  await deliver("check_run", payloads.checkRun("acme/taps", "test", "failure", "FAIL"), secret);
  await deliver("check_suite", payloads.checkSuite("acme/taps", 7, "failure"), secret);
  const notice = await said(phone, (b) => b.startsWith("❌ CI failed on acme/taps#7"));
  const [fix, later] = notice.buttons;
  const tap = (payload: string, title: string) =>
    stubFor(phone).enqueue({ messageId: newSid(), body: title, media: [], buttonPayload: payload, receivedAt: Date.now(), publicOrigin: "https://relay.example" });
  expect(await tap(later!.id, "Later")).toEqual({ stored: true });
  expect(await tap(fix!.id, "Fix it")).toMatchObject({ stored: true, tap: "taken" });
  expect(await tap(fix!.id, "Fix it")).toMatchObject({ stored: true, tap: "taken" });
  expect(await tap("gh-fix:no-such-delivery", "Fix it")).toMatchObject({ stored: true, tap: "expired" });
});
