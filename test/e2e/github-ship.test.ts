// The GitHub loop end to end, through the GitHub stand-in (git http-backend, REST, signed
// webhooks) with the real Claude Code CLI on the offline model: a conversation's change shipped
// as a pull request, a second /ship updating the same one, a CI failure answered with "Fix it"
// until the check is green again, and a review comment on a line told with "Fix it".
import { beforeAll, expect, it } from "vitest";
import { z } from "zod";
import { LOCAL_GITHUB } from "../../scripts/stack/github-plan";
import { useResources } from "../helpers/resources";
import { eventually, nextMessage } from "./helpers/emulator-api";
import { PHONES, startE2eStack, type E2eStack } from "./helpers/e2e-stack";

const PHONE = PHONES[2];
const REPO = `${LOCAL_GITHUB.owner}/${LOCAL_GITHUB.repo}`;
let stack: E2eStack;
const resources = useResources();

beforeAll(async () => {
  stack = await startE2eStack("github-ship", resources, { standIns: true });
});

const MessagesSchema = z.object({
  messages: z.array(z.object({ sid: z.string(), body: z.string().nullable(), buttons: z.array(z.object({ title: z.string(), id: z.string() })) })),
});
type Sent = z.infer<typeof MessagesSchema>["messages"][number];

/** What the phone got, with each message's buttons (the Twilio emulator's record). */
async function sent(): Promise<Sent[]> {
  const response = await fetch(`${stack.urls.twilio}/__emulator/messages?to=${encodeURIComponent(`whatsapp:${PHONE}`)}`);
  return MessagesSchema.parse(await response.json()).messages;
}

/** The user writes, through the emulator (which signs the form as Twilio does). */
async function send(body: string): Promise<void> {
  const response = await fetch(`${stack.urls.twilio}/__emulator/inbound`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ from: PHONE, body }) });
  expect(await response.json()).toMatchObject({ status: 200 });
}

/** The user taps a quick reply button: Twilio's inbound with ButtonPayload and the tapped message. */
async function tap(message: Sent, title: string): Promise<void> {
  const button = message.buttons.find((b) => b.title === title);
  expect(button, `a "${title}" button under ${JSON.stringify(message.body)}`).toBeDefined();
  const response = await fetch(`${stack.urls.twilio}/__emulator/tap`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ messageSid: message.sid, payload: button!.id }) });
  expect(await response.json()).toMatchObject({ status: 200 });
}

/** The first message after the `seen` first ones that matches; it and the count up to and with it. */
const next = (what: string, seen: number, match: (body: string) => boolean) => nextMessage(what, sent, seen, match);

const count = async () => (await sent()).length;

/** The stand-in's REST API, as the stack's account. */
async function rest(path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${stack.urls.github}/api/v3${path}`, { ...init, headers: { authorization: `token ${stack.standIns.github!.token}`, "content-type": "application/json", ...init.headers } });
}

const PullsSchema = z.array(z.object({ number: z.number(), state: z.string(), html_url: z.string(), head: z.object({ ref: z.string(), sha: z.string() }) }));
async function pulls() {
  return PullsSchema.parse(await (await rest(`/repos/${REPO}/pulls?state=all`)).json());
}

/** The stand-in's control routes (its own, not GitHub's): what CI and reviewers would do. */
async function control(path: string, body: unknown): Promise<void> {
  const response = await fetch(`${stack.urls.github}/__github/repos/${REPO}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  expect(response.status, await response.clone().text()).toBeLessThan(300);
  // Every delivery reached the Worker and was taken (202) or was a duplicate (200), never refused.
  const { deliveries } = (await response.json()) as { deliveries: Array<{ event: string; statusCode: number | null; error: string | null }> };
  expect(deliveries.length).toBeGreaterThan(0);
  for (const d of deliveries) expect(d, JSON.stringify(d)).toMatchObject({ error: null, statusCode: expect.any(Number) as number });
  expect(deliveries.filter((d) => d.statusCode! >= 300), JSON.stringify(deliveries)).toEqual([]);
}

/** A button of the stand-in's pull request page: the form posted as a browser does; every webhook it sent was taken. */
async function press(action: string, fields: Record<string, string>): Promise<void> {
  const response = await fetch(action, { method: "POST", body: new URLSearchParams(fields), redirect: "manual" });
  expect(response.status).toBe(303);
  const notice = new URL(response.headers.get("location")!, action).searchParams.get("notice") ?? "";
  expect(notice).toMatch(/Sent: /);
  expect(notice, notice).not.toMatch(/→ (?!20[02])/);
}

const bash = (command: string, words: string) => `[[tool Bash ${JSON.stringify({ command })}]] ${words}`;
const bashAnswered = (output: string) => (b: string) => b.includes("The Bash tool answered") && b.includes(output);

/** /ship, the question with its buttons, "Ship", and the reply: returns the reply. */
async function ship(seen: number, asked: RegExp): Promise<{ reply: string; seen: number }> {
  await send("/ship");
  const question = await next("/ship's question", seen, (b) => /^(Pull request #\d+ was .*)?Push /.test(b) || b.startsWith("Not shipped") || b.includes("still running"));
  expect(question.message.body).toMatch(asked);
  expect(question.message.buttons.map((b) => b.title)).toEqual(["Ship", "Cancel"]);
  await tap(question.message, "Ship");
  const done = await next("the shipped reply", question.seen, (b) => b.startsWith("🚀") || b.startsWith("Not shipped") || b.startsWith("⚠️"));
  return { reply: done.message.body ?? "", seen: done.seen };
}

let seen = 0;
let firstHead = "";
let pullUrl = "";
let secondHead = "";

it("clones the stand-in's repository into a conversation, and /github watch registers its webhook with the stand-in by itself", async () => {
  await send(`/new sample ${stack.urls.github}/${REPO}.git`);
  ({ seen } = await next("the clone's reply", seen, (b) => b.startsWith("Cloned sample")));
  await send(`/github watch ${REPO}`);
  const watched = await next("/github watch's reply", seen, (b) => b.startsWith(`Watching ${REPO}`));
  seen = watched.seen;
  // Nothing to paste, in one line: the local stack's Worker knows the stand-in (GITHUB_STAND_IN_URL) and registered it there.
  expect(watched.message.body).toBe(`Watching ${REPO}. The local GitHub stand-in has its webhook already (${stack.urls.github}/${REPO}/settings/hooks): nothing to paste.`);
  const hooks = (await (await fetch(`${stack.urls.github}/__github/hooks`)).json()) as Array<{ url: string; contentType: string; active: boolean }>;
  expect(hooks.map((h) => [h.contentType, h.active])).toEqual([["json", true]]);
  expect(hooks[0]?.url).toMatch(new RegExp(`^${stack.urls.worker}/github/webhook/[A-Za-z0-9_-]{40,}$`));
  // The ping GitHub sends once the hook is made is taken by the Worker with that secret.
  const pinged = await eventually("the ping's answer", async () => {
    const pings = (await (await fetch(`${stack.urls.github}/__github/deliveries?repo=${REPO}&event=ping`)).json()) as Array<{ statusCode: number | null; error: string | null }>;
    return pings.every((d) => d.statusCode !== null || d.error !== null) ? pings : undefined;
  });
  expect(pinged.map((d) => [d.statusCode, d.error])).toEqual([[200, null]]);
  // The fix runs below are the user's own loop: trusted, they use the conversation's approval mode instead of asking before every command.
  await send(`/github trust ${REPO}`);
  ({ seen } = await next("/github trust's reply", seen, (b) => b.startsWith("Trusted")));
});

it("ships a change the agent made: the question with buttons, Ship, the pull request's link, and the pull request on GitHub", async () => {
  await send(bash("echo 'export const sub = (a, b) => a - b;' >> src/add.js && echo wrote-sub", "add sub"));
  ({ seen } = await next("the Bash run's answer", seen, bashAnswered("wrote-sub")));
  const shipped = await ship(seen, new RegExp(`^Push 1 file, \\+1 −0, to \`agent/sample\` on ${REPO} and open a pull request\\?$`));
  seen = shipped.seen;
  expect(shipped.reply).toMatch(/^🚀 Opened pull request #1 /);
  const [pr, ...others] = await pulls();
  expect(others).toEqual([]);
  expect(pr).toMatchObject({ number: 1, state: "open", head: { ref: "agent/sample" } });
  expect(shipped.reply).toContain(pr!.html_url);
  firstHead = pr!.head.sha;
  // The link opens the pull request's page in the stand-in: its diff, and the buttons that play CI and reviewers.
  const page = await fetch(pr!.html_url);
  expect(page.status).toBe(200);
  const html = await page.text();
  expect(html).toContain('<span class="add">+export const sub = (a, b) =&gt; a - b;</span>');
  expect(html).toContain(">Fail the check</button>");
  pullUrl = pr!.html_url;
});

it("updates the same pull request on a second /ship, never opening another", async () => {
  await send(bash("echo 'export const mul = (a, b) => a * b;' >> src/add.js && echo wrote-mul", "add mul"));
  ({ seen } = await next("the second Bash run's answer", seen, bashAnswered("wrote-mul")));
  const shipped = await ship(seen, /and update pull request #1\?$/);
  seen = shipped.seen;
  expect(shipped.reply).toMatch(/^🚀 Updated pull request #1 /);
  const all = await pulls();
  expect(all.map((p) => p.number)).toEqual([1]);
  secondHead = all[0]!.head.sha;
  expect(secondHead).not.toBe(firstHead);
});

it("tells a CI failure once with Fix it; the fix run's change ships to the same pull request, and the passing check is told briefly", async () => {
  // The failing check's summary carries the offline model's script, so the fix run changes a file as an agent would.
  // The user has moved on to another conversation: the fix run must still go to the pull request's.
  await send("/new notes");
  ({ seen } = await next("the new conversation's reply", seen, (b) => b.startsWith("New conversation notes")));
  const fixCommand = bash("echo 'export const div = (a, b) => a / b;' >> src/add.js && echo fixed-div", "fix");
  // The pull request page's "Fail the check" button, as the user presses it.
  await press(`${pullUrl}/checks`, { conclusion: "failure", name: "unit tests", summary: `add.test.js failed\n${fixCommand}` });
  const notice = await next("the CI failure notice", seen, (b) => b.startsWith("❌ CI failed"));
  seen = notice.seen;
  expect(notice.message.body).toMatch(new RegExp(`^❌ CI failed on ${REPO}#1 \\(@sample\\):\\n• unit tests\\n  add.test.js failed`));
  expect(notice.message.buttons.map((b) => b.title)).toEqual(["Fix it", "Later"]);
  await tap(notice.message, "Fix it");
  ({ seen } = await next("the fix run's start", seen, (b) => b.startsWith(`▶️ GitHub: CI failed on ${REPO}#1: started a run in @sample.`)));
  ({ seen } = await next("the fix run's answer", seen, bashAnswered("fixed-div")));
  // One notice for the failure, however many deliveries it took; a second tap starts nothing more.
  expect((await sent()).filter((m) => m.body?.startsWith("❌ CI failed"))).toHaveLength(1);
  await tap(notice.message, "Fix it");
  ({ seen } = await next("the second tap's answer", seen, (b) => b === "That fix run was started already."));

  // Back in @sample, whose work tree has the fix run's change (the run in @notes would have left it unchanged).
  await send("/switch sample");
  ({ seen } = await next("the switch's reply", seen, (b) => b.startsWith("Switched to sample")));
  const shipped = await ship(seen, /^Push 1 file, \+1 −0, to `agent\/sample` on acme\/sample and update pull request #1\?$/);
  seen = shipped.seen;
  expect(shipped.reply).toMatch(/^🚀 Updated pull request #1 /);
  const all = await pulls();
  expect(all.map((p) => p.number)).toEqual([1]);
  expect(all[0]!.head.sha).not.toBe(secondHead);

  // As the README's curl sends it (curl -d: a form's content type, a JSON body).
  const curl = await fetch(`${stack.urls.github}/__github/repos/${REPO}/pulls/1/checks`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: '{"conclusion":"success","name":"unit tests"}' });
  expect(curl.status).toBe(201);
  const green = await next("the green-again message", seen, (b) => b.startsWith("✅ CI passes again"));
  seen = green.seen;
  expect(green.message.body).toBe(`✅ CI passes again on ${REPO}#1 (@sample).`);
});

it("tells a review comment on a line: the reviewer, the file and line, with Fix it, whose run is told what was asked", async () => {
  const before = await count();
  // GitHub's "Add single comment" on a line: a review without text (COMMENTED) and its one comment.
  await control("/pulls/1/reviews", { by: LOCAL_GITHUB.reviewer, event: "COMMENT", comments: [{ path: "src/add.js", line: 2, body: "sub needs a test" }] });
  const review = await next("the review comment's notice", before, (b) => b.startsWith("💬"));
  expect(review.message.body).toBe(`💬 @${LOCAL_GITHUB.reviewer} commented on ${REPO}#1 (@sample):\n• src/add.js:2: sub needs a test\n${(await pulls())[0]!.html_url}`);
  expect(review.message.buttons.map((b) => b.title)).toEqual(["Fix it", "Later"]);
  await tap(review.message, "Fix it");
  const started = await next("the review's fix run", review.seen, (b) => b.startsWith("▶️"));
  expect(started.message.body).toBe(`▶️ GitHub: @${LOCAL_GITHUB.reviewer}'s comment on ${REPO}#1: started a run in @sample.`);
  // The run is told what the reviewer asked, on which line.
  const answered = await next("the review fix run's answer", started.seen, (b) => b.includes("[offline model]"));
  expect(answered.message.body).toContain("reviewed pull request acme/sample#1");
  // One notice for the one comment.
  expect((await sent()).slice(before).filter((m) => m.body?.startsWith("💬"))).toHaveLength(1);
});

it("tells a merge in one line, and the next /ship opens a new pull request on a new branch", async () => {
  await control("/pulls/1/close", { merged: true });
  ({ seen } = await next("the merge's line", seen, (b) => b.startsWith("🎉")));
  expect((await sent())[seen - 1]!.body).toBe(`🎉 ${REPO}#1 (@sample) was merged.`);
  await send(bash("echo 'export const neg = (a) => -a;' >> src/add.js && echo wrote-neg", "add neg"));
  ({ seen } = await next("the Bash run's answer", seen, bashAnswered("wrote-neg")));
  // The relay knows of the merge (no "meanwhile"); the counts are against main, which the stand-in's merge control leaves as it was.
  const shipped = await ship(seen, /^Push 1 file, \+\d+ −0, to `agent\/sample-2` on acme\/sample and open a pull request\?$/);
  seen = shipped.seen;
  expect(shipped.reply).toMatch(/^🚀 Opened pull request #2 /);
  const all = await pulls();
  expect(all.map((p) => [p.number, p.state, p.head.ref]).sort()).toEqual([[1, "closed", "agent/sample"], [2, "open", "agent/sample-2"]]);
});
