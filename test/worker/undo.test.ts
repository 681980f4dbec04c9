// A run's change through the relay (issue 23): the line after its reply, the diff kept in R2,
// /diff's picture, /undo's question (yes, no, closed by another message or voided by a run, each
// told; a run in progress), /redo, and the note the agent's next turn carries. The VM stand-in
// attaches `change` on `[[vm:change PATH +A -D]]`.
import { env, exports } from "cloudflare:workers";
import { beforeAll, expect, it } from "vitest";
import { STAND_IN_PNG, type StandInRequest } from "../stand-ins/vm-stand-in-types";
import { ask, bodies, eventually, makeTasksDue, query, releaseVm, sendInbound, sentTo, vmRequests } from "./helpers";
import { TEST_ADMIN, TEST_PUBLIC_URL } from "./test-env";
import { UNDO_LEFT, UNDO_VOIDED } from "../../src/changes/changes-replies";

// ALLOWED_SENDERS' numbers are all taken by other files: these are let in by the admin.
const PHONES = ["+15550000940", "+15550000941", "+15550000942", "+15550000943", "+15550000944", "+15550000945", "+15550000946", "+15550000947", "+15550000948"];
beforeAll(async () => {
  for (const phone of PHONES) {
    await sendInbound(TEST_ADMIN, `/allow ${phone}`);
    await eventually(async () => (await sentTo(TEST_ADMIN)).some((m) => (m.body ?? "").startsWith(`Allowed ${phone}`) || (m.body ?? "").startsWith(`${phone} is already`)));
  }
});

type ChangeRow = { vm_run_id: string; files: string; insertions: number; deletions: number; diff_key: string | null; undone: number; label: string };
const changesOf = (phone: string) => query<ChangeRow>(phone, "SELECT vm_run_id, files, insertions, deletions, diff_key, undone, label FROM run_changes ORDER BY created_at");

async function nextMatching(phone: string, pattern: RegExp, after = 0) {
  return eventually(async () => (await sentTo(phone)).slice(after).find((m) => pattern.test(m.body ?? "")));
}

/** Sends `text` and waits for its run's change line. */
async function runWithChange(phone: string, text: string, line: RegExp) {
  const before = (await sentTo(phone)).length;
  await sendInbound(phone, text);
  await nextMatching(phone, line, before);
  // The diff's key is recorded once its R2 write is done.
  return eventually(async (): Promise<ChangeRow[] | undefined> => {
    const rows = await changesOf(phone);
    return rows.at(-1)?.diff_key ? rows : undefined;
  });
}

const runIdle = (phone: string) => eventually(async () => (await query<{ n: number }>(phone, "SELECT count(*) AS n FROM runs WHERE phase != 'finished'"))[0]?.n === 0);

async function renderRequests(): Promise<StandInRequest[]> {
  const res = await fetch(`${env.VM_URL}/__stand-in/requests`);
  return ((await res.json()) as { requests: StandInRequest[] }).requests.filter((r) => r.kind === "render-diff");
}

it("a run that changed files ends with the change line, its diff kept in R2 outside media retention; one that changed nothing adds none", async () => {
  const phone = "+15550000940";
  const rows = await runWithChange(phone, "fix it [[vm:change src/a.ts +10 -3]] [[vm:change src/b.ts +4 -0 added]]", /changed/);
  const sent = await sentTo(phone);
  expect(sent.map((m) => m.body)).toContain("2 files changed, +14 −3 · /diff to see, /undo to take back");
  // The line comes after the reply.
  const reply = sent.findIndex((m) => (m.body ?? "").startsWith("echo: fix it"));
  expect(sent.findIndex((m) => (m.body ?? "").startsWith("2 files changed"))).toBeGreaterThan(reply);
  expect(rows).toHaveLength(1);
  expect(rows[0]).toMatchObject({ insertions: 14, deletions: 3, undone: 0, label: "the run for “fix it”" });
  expect(rows[0]!.diff_key).toMatch(/^diff\/[A-Za-z0-9_-]+\/[A-Za-z0-9_-]{22}$/);
  const kept = await env.MEDIA!.get(rows[0]!.diff_key!);
  expect(await kept!.text()).toContain("diff --git a/src/a.ts b/src/a.ts");

  const before = (await sentTo(phone)).length;
  await sendInbound(phone, "just talk");
  await nextMatching(phone, /^echo: just talk/, before);
  await runIdle(phone);
  await new Promise((r) => setTimeout(r, 200));
  expect((await sentTo(phone)).slice(before).map((m) => m.body)).toEqual(["echo: just talk"]);
  expect(await changesOf(phone)).toHaveLength(1);
});

it("/diff sends the picture the VM drew with a summary naming the files; /diff 2 the one before; past the end it says so", async () => {
  const phone = "+15550000941";
  await runWithChange(phone, "first [[vm:change docs/one.md +1 -1]]", /^1 file changed, \+1 −1/);
  await runWithChange(phone, "second [[vm:change src/two.ts +5 -2]]", /^1 file changed, \+5 −2/);
  await runIdle(phone);

  let before = (await sentTo(phone)).length;
  await sendInbound(phone, "/diff");
  const picture = await nextMatching(phone, /^Last change/, before);
  // The line carries the conversation's page link (web-page-runs.test.ts opens it).
  expect(picture.body).toMatch(/^Last change, by the run for “second”: 1 file, \+5 −2: src\/two\.ts\. The whole diff, coloured, on the page: \S+\/web\/[A-Za-z0-9_-]{22}#change\nTo comment on a line, reply “line 12: …” \(or “src\/app\.ts:12 …”\), or tap the line on the page: the agent gets your comments as a review\.$/);
  // The picture goes out as agent files do: stored in R2, sent with a signed link the Worker serves.
  expect(picture.media).toHaveLength(1);
  expect(picture.media[0]!.url).toMatch(new RegExp(`^${TEST_PUBLIC_URL}/media/`));
  const served = await exports.default.fetch(new Request(picture.media[0]!.url));
  expect(served.status).toBe(200);
  expect(served.headers.get("content-type")).toBe("image/png");
  expect(new Uint8Array(await served.arrayBuffer())).toEqual(STAND_IN_PNG);
  expect((await renderRequests()).some((r) => r.diff?.includes("diff --git a/src/two.ts b/src/two.ts"))).toBe(true);

  before = (await sentTo(phone)).length;
  await sendInbound(phone, "/diff 2");
  expect((await nextMatching(phone, /^Change 2 back/, before)).body).toContain("docs/one.md");
  expect(await ask(phone, "/diff 3")).toBe("There are only 2 changes to show here; /diff 2 is the oldest.");
  expect(await ask(phone, "/diff x")).toBe("/diff takes nothing or a number (/diff 2: the change before the last).");
});

it("/undo asks with buttons naming the run and its files; yes undoes on the VM, the agent's next turn is told; /redo puts it back", async () => {
  const phone = "+15550000942";
  const [row] = await runWithChange(phone, "edit [[vm:change src/app.ts +3 -1]]", /^1 file changed/);
  await runIdle(phone);

  const before = (await sentTo(phone)).length;
  await sendInbound(phone, "/undo");
  const question = await nextMatching(phone, /^Undo /, before);
  expect(question.body).toContain("Undo the run for “edit”?");
  expect(question.body).toContain("src/app.ts");
  expect(question.body).toContain("commits or pushes the run made stay");
  expect(question.buttons.map((b) => b.title)).toEqual(["Yes", "No"]);

  await sendInbound(phone, "Yes", { ButtonText: "Yes", ButtonPayload: question.buttons[0]!.id });
  const undone = await nextMatching(phone, /^Undone: /, before);
  expect(undone.body).toContain("Back as before it: src/app.ts.");
  // Nothing was left behind, so nothing is reported as left behind.
  expect(undone.body).not.toContain("Not restored");
  expect((await vmRequests(phone)).filter((r) => r.kind === "undo").map((r) => r.status)).toEqual([200]);
  expect((await changesOf(phone))[0]).toMatchObject({ vm_run_id: row!.vm_run_id, undone: 1 });
  expect(await ask(phone, "/diff")).toMatch(/^No change to show/);

  // The next run's first message carries the note; the one after does not.
  await sendInbound(phone, "carry on");
  await nextMatching(phone, /^echo: carry on/, before);
  const starts = () => vmRequests(phone).then((all) => all.filter((r) => r.kind === "start"));
  expect((await starts()).at(-1)!.messages![0]!.text).toMatch(/^carry on\n\n\[relay\] The user undid your last change with \/undo: these files are back as they were before it \(src\/app\.ts\)/);
  await runIdle(phone);
  await sendInbound(phone, "and again");
  await nextMatching(phone, /^echo: and again/, before);
  expect((await starts()).at(-1)!.messages![0]!.text).toBe("and again");
  await runIdle(phone);

  const redone = await eventually(async () => {
    const mark = (await sentTo(phone)).length;
    await sendInbound(phone, "/redo");
    return nextMatching(phone, /^Redone: /, mark);
  });
  expect(redone.body).toContain("src/app.ts");
  expect((await changesOf(phone))[0]).toMatchObject({ undone: 0 });
  expect(await ask(phone, "/redo")).toBe("Nothing to redo: no /undo to take back (a run that changed files since clears it).");
});

it("no declines; the question closes with the next message, which is told, so a later yes goes to the agent; nothing to undo is said", async () => {
  const phone = "+15550000943";
  expect(await ask(phone, "/undo")).toBe("Nothing to undo: no run of this conversation changed files that is not undone already.");
  await runWithChange(phone, "touch [[vm:change a.txt +1 -0 added]]", /^1 file changed/);
  await runIdle(phone);

  expect(await ask(phone, "/undo")).toMatch(/^Undo the run for/);
  expect(await ask(phone, "no")).toBe("Not undone: the files stay as they are.");

  expect(await ask(phone, "/undo")).toMatch(/^Undo the run for/);
  // The next message is not an answer: the user is told the question closed, then answered.
  let before = (await sentTo(phone)).length;
  await sendInbound(phone, "/help");
  await nextMatching(phone, /^I answer these myself/, before);
  const told = (await sentTo(phone)).slice(before).map((m) => m.body ?? "");
  expect(told[0]).toBe(UNDO_LEFT);
  expect(told[1]).toMatch(/^I answer these myself/);
  before = (await sentTo(phone)).length;
  await sendInbound(phone, "yes");
  expect((await nextMatching(phone, /^echo: yes/, before)).body).toBe("echo: yes");
  expect((await vmRequests(phone)).filter((r) => r.kind === "undo")).toHaveLength(0);
  expect((await changesOf(phone))[0]).toMatchObject({ undone: 0 });
});

it("/undo's question closed by text for the agent is told before the agent's answer; /undo asked again is not told, only asked", async () => {
  const phone = "+15550000947";
  await runWithChange(phone, "make [[vm:change b.txt +1 -0 added]]", /^1 file changed/);
  await runIdle(phone);

  expect(await ask(phone, "/undo")).toMatch(/^Undo the run for/);
  let before = (await sentTo(phone)).length;
  await sendInbound(phone, "actually, also add a test");
  await nextMatching(phone, /^echo: actually, also add a test/, before);
  const told = (await sentTo(phone)).slice(before).map((m) => m.body ?? "");
  expect(told.indexOf(UNDO_LEFT)).toBe(0);
  expect(told.filter((t) => t === UNDO_LEFT)).toHaveLength(1);
  await runIdle(phone);

  expect(await ask(phone, "/undo")).toMatch(/^Undo the run for/);
  before = (await sentTo(phone)).length;
  await sendInbound(phone, "/undo");
  await nextMatching(phone, /^Undo the run for/, before);
  expect((await sentTo(phone)).slice(before).map((m) => m.body ?? "")).not.toContain(UNDO_LEFT);
  expect(await ask(phone, "no")).toBe("Not undone: the files stay as they are.");
  expect((await vmRequests(phone)).filter((r) => r.kind === "undo")).toHaveLength(0);
});

it("/undo's question voided by a scheduled run since: a later yes is told so, goes to the agent, and undoes nothing", async () => {
  const phone = "+15550000948";
  await runWithChange(phone, "write [[vm:change c.txt +1 -0 added]]", /^1 file changed/);
  await runIdle(phone);
  expect(await ask(phone, "/schedule every 1h say hi")).toMatch(/^Task #1 scheduled/);

  expect(await ask(phone, "/undo")).toMatch(/^Undo the run for/);
  let before = (await sentTo(phone)).length;
  await makeTasksDue(phone);
  await nextMatching(phone, /echo: say hi/, before);
  await runIdle(phone);

  before = (await sentTo(phone)).length;
  await sendInbound(phone, "yes");
  await nextMatching(phone, /^echo: yes/, before);
  const told = (await sentTo(phone)).slice(before).map((m) => m.body ?? "");
  expect(told[0]).toBe(UNDO_VOIDED);
  expect((await vmRequests(phone)).filter((r) => r.kind === "undo")).toHaveLength(0);
  expect((await changesOf(phone))[0]).toMatchObject({ undone: 0 });
});

it("/undo and /redo are refused at once while a run is active, naming it", async () => {
  const phone = "+15550000944";
  await runWithChange(phone, "write [[vm:change x.ts +2 -2]]", /^1 file changed/);
  await runIdle(phone);
  const before = (await sentTo(phone)).length;
  await sendInbound(phone, "long one [[vm:progress 3 400]]");
  await eventually(async () => (await vmRequests(phone)).filter((r) => r.kind === "start").length === 2);
  expect(await ask(phone, "/undo")).toBe("Not now: the run for “long one” is still running. /undo once it is done, or /stop it first.");
  expect(await ask(phone, "/redo")).toMatch(/^Not now: the run for “long one/);
  await nextMatching(phone, /^echo: long one/, before);
  expect((await vmRequests(phone)).filter((r) => r.kind === "undo" || r.kind === "redo")).toHaveLength(0);
});

it("deleting a conversation deletes its changes and their diffs in R2", async () => {
  const phone = "+15550000945";
  await ask(phone, "/new api");
  const rows = await runWithChange(phone, "add [[vm:change api.ts +1 -0 added]]", /^1 file changed/);
  const key = rows[0]!.diff_key!;
  expect(await env.MEDIA!.head(key)).not.toBeNull();
  await runIdle(phone);
  await ask(phone, "/switch main");
  expect(await ask(phone, "/delete api yes")).toBe("Deleted api and its project directory.");
  expect(await changesOf(phone)).toEqual([]);
  await eventually(async () => (await env.MEDIA!.head(key)) === null);
});

it("after an /undo, the next run's note comes once, after all the messages of its batch", async () => {
  const phone = "+15550000946";
  await ask(phone, "/new web");
  await runWithChange(phone, "edit [[vm:change src/web.ts +2 -0]]", /^1 file changed/);
  await runIdle(phone);
  const before = (await sentTo(phone)).length;
  await sendInbound(phone, "/undo");
  const question = await nextMatching(phone, /^Undo /, before);
  await sendInbound(phone, "Yes", { ButtonText: "Yes", ButtonPayload: question.buttons[0]!.id });
  await nextMatching(phone, /^Undone: /, before);

  // Three other conversations are busy (MAX_PARALLEL_RUNS): two messages for web wait, then go as one batch.
  await ask(phone, "/new x");
  await ask(phone, "/new y");
  for (const name of ["main", "x", "y"]) await sendInbound(phone, `@${name} slow work [[vm:hold]]`);
  const starts = () => vmRequests(phone).then((all) => all.filter((r) => r.kind === "start"));
  await eventually(async () => (await starts()).filter((r) => r.messages?.[0]?.text === "slow work [[vm:hold]]").length === 3);
  await sendInbound(phone, "@web one");
  await sendInbound(phone, "@web two");
  await releaseVm(phone);
  await eventually(async () => bodies(await sentTo(phone)).some((b) => (b ?? "").startsWith("[web] echo: one | two")));
  const texts = (await starts()).at(-1)!.messages!.map((m) => m.text);
  expect(texts[0]).toBe("one");
  expect(texts[1]).toMatch(/^two\n\n\[relay\] The user undid your last change with \/undo: these files are back as they were before it \(src\/web\.ts\)/);
});
