// Approval prompts reach the run they were meant for and show all the user approves, through the
// Worker, the PhoneAgent, the Twilio emulator and the VM stand-in: a number is never given twice,
// so a late `yes 2` answers no newer prompt; `yes all` leaves a run an event started to its own
// number or button; a command too long for one message is cut, saying how much, with a link to the
// run's page that shows it whole; a file is named inside the project.
import { exports } from "cloudflare:workers";
import { expect, it } from "vitest";
import { eventually, query, sendInbound, sentTo, vmRequests } from "./helpers";
import { addTrigger, fire } from "./trigger-helpers";
import { TEST_PUBLIC_URL } from "./test-env";

const prompts = async (phone: string) => (await sentTo(phone)).filter((m) => (m.body ?? "").includes("🔐 Approval"));
/** Waits for the `count`-th prompt sent to the phone. */
const nthPrompt = (phone: string, count: number) => eventually(async () => (await prompts(phone))[count - 1]);
/** Sends `text` and waits for the first message after it that matches. */
async function answerTo(phone: string, text: string, pattern: RegExp): Promise<string> {
  const before = (await sentTo(phone)).length;
  await sendInbound(phone, text);
  return eventually(async () => (await sentTo(phone)).slice(before).find((m) => pattern.test(m.body ?? ""))?.body ?? undefined);
}
const statuses = async (phone: string) => (await query<{ number: number; status: string }>(phone, "SELECT number, status FROM approvals ORDER BY id")).map((a) => `#${a.number} ${a.status}`);
const vmAnswers = async (phone: string) => (await vmRequests(phone)).filter((r) => r.kind === "approval");

it("a late `yes 2`, after #2 was answered, answers nothing: the next prompt has a number of its own", async () => {
  const phone = "+15550000246";
  await sendInbound(phone, "[[vm:approval Bash npm ci]] [[vm:approval Bash make]]");
  await nthPrompt(phone, 2);
  expect(await answerTo(phone, "no 2", /^🚫 Denied/)).toBe("🚫 Denied: Run a command: make. The agent is told it was not done.");
  // #1 still open, another conversation's run asks: its prompt is #3, never a second #2.
  await answerTo(phone, "/new api", /api/);
  await sendInbound(phone, "[[vm:approval Bash rm -rf dist]]");
  const third = await nthPrompt(phone, 3);
  expect(third.body).toContain("🔐 Approval #3 in api: the agent wants to run a command:\nrm -rf dist\n");
  expect(await answerTo(phone, "yes 2", /#2/)).toBe("#2 was already answered (denied), so this answer changed nothing. Still open: #1, #3.");
  expect(await statuses(phone)).toEqual(["#1 pending", "#2 denied", "#3 pending"]);
  expect((await vmAnswers(phone)).map((a) => a.decision)).toEqual(["deny"]);
  await answerTo(phone, "/stop all", /Denied 2 pending approvals/);
});

it("`yes all` answers the user's own prompts and leaves a trigger's run's prompt open, saying so; its number answers it", async () => {
  const phone = "+15550000247";
  await answerTo(phone, "/new ops", /ops/);
  const made = await addTrigger(phone, "deploy", "[[vm:approval Bash ./deploy.sh]]");
  await answerTo(phone, "/switch main", /main/);
  expect((await fire(made.url, { token: made.token, body: JSON.stringify({ text: "build 7" }) })).status).toBe(202);
  const fromEvent = await nthPrompt(phone, 1);
  expect(fromEvent.body).toMatch(/^\[trigger deploy\] 🔐 Approval #1 in ops: the agent wants to run a command:\n\.\/deploy\.sh\nReply yes 1 or no 1/);
  await sendInbound(phone, "[[vm:approval Bash npm test]]");
  await nthPrompt(phone, 2);
  expect(await answerTo(phone, "yes all", /^✅ Allowed/)).toBe(
    "✅ Allowed: Run a command: npm test. Left open: #1 [trigger deploy], started by an event, not by you: answer it by its number (yes 1) or its button.",
  );
  expect(await statuses(phone)).toEqual(["#1 pending", "#2 allowed"]);
  expect(await answerTo(phone, "yes all", /^Nothing answered/)).toMatch(/^Nothing answered: #1 \[trigger deploy\] is a request of a run started by an event/);
  expect(await answerTo(phone, "no 1", /^🚫 Denied/)).toBe("🚫 Denied: Run a command: ./deploy.sh. The agent is told it was not done.");
  await eventually(async () => (await vmAnswers(phone)).length === 2);
  expect((await vmAnswers(phone)).map((a) => a.decision)).toEqual(["allow", "deny"]);
});

it("a 2,000-character command is cut to fit WhatsApp, saying how much is left out, with a link to the run's page showing it whole", async () => {
  const phone = "+15550000248";
  const command = `echo ${"0123456789".repeat(199)}`;
  expect(command.length).toBe(1995);
  await sendInbound(phone, `[[vm:approval Bash ${command}]]`);
  const prompt = (await nthPrompt(phone, 1)).body!;
  expect(prompt.length).toBeLessThanOrEqual(1600);
  const cut = /\n… ([\d,]+) more characters not shown: (\S+)\nReply yes 1/.exec(prompt);
  expect(cut).not.toBeNull();
  const link = cut![2]!;
  const [run] = await query<{ id: string }>(phone, "SELECT id FROM runs");
  expect(link).toMatch(new RegExp(`^${TEST_PUBLIC_URL.replace(/\./g, "\\.")}/web/[A-Za-z0-9_-]{22}/runs/${run!.id}$`));
  const missing = Number(cut![1]!.replace(/,/g, ""));
  expect(prompt).toContain(`run a command:\n${command.slice(0, command.length - missing)}\n…`);
  const page = await exports.default.fetch(new Request(link));
  expect(page.status).toBe(200);
  expect(await page.text()).toContain(command);
  await answerTo(phone, "no", /^🚫 Denied/);
});

it("names a file inside the project as the user knows it, never by the VM's own path", async () => {
  const phone = "+15550000249";
  // The stand-in's working directory for main, as the VM lays it out (vm-stand-in.ts, standInProjectDir).
  const path = `/data/users/${phone.replace(/\W/g, "")}/workspace/notes.txt`;
  await sendInbound(phone, `[[vm:approval Write ${path}]]`);
  const prompt = (await nthPrompt(phone, 1)).body!;
  expect(prompt).toMatch(/^🔐 Approval #1 in main: the agent wants to write notes\.txt\nReply yes 1, no 1 or always 1 \(always: in main, from now on allow Write\(notes\.txt\)\)/);
  expect(prompt).not.toContain("/data/users");
  await answerTo(phone, "no", /^🚫 Denied/);
});

it("an edit's prompt on WhatsApp comes with its picture, drawn as /diff draws it, and names the file and what the edit does", async () => {
  const phone = "+15550000250";
  await sendInbound(phone, "[[vm:approval-edit Edit src/add.js 2]]");
  const prompt = await nthPrompt(phone, 1);
  expect(prompt.body).toMatch(/^🔐 Approval #1 in main: the agent wants to edit src\/add\.js: \+2 −1\nReply yes 1, no 1 or always 1/);
  const sent = await sentTo(phone);
  const picture = sent[sent.indexOf(sent.find((m) => m.sid === prompt.sid)!) - 1]!;
  expect(picture.body).toBe("src/add.js: +2 −1");
  expect(picture.media).toHaveLength(1);
  expect(picture.media[0]!.url).toMatch(new RegExp(`^${TEST_PUBLIC_URL}/media/`));
  // The VM drew the edit's own diff (a drawing names no user: every one the stand-in made).
  const drawn = (await vmRequests("")).filter((r) => r.kind === "render-diff");
  expect(drawn.map((r) => r.diff)).toContain("--- a/src/add.js\n+++ b/src/add.js\n@@ -1,2 +1,3 @@\n const a = 1;\n-old line\n+line 1\n+line 2\n");
  await answerTo(phone, "no", /^🚫 Denied/);
});

it("a Write's picture too; a long edit says how many lines the picture leaves out, linking to the run's page that shows the whole edit", async () => {
  const phone = "+15550000251";
  await sendInbound(phone, "[[vm:approval-edit Write big.txt 200]]");
  const prompt = (await nthPrompt(phone, 1)).body!;
  // The stand-in draws 80 lines of the diff's 204 (vm-stand-in.ts, /v1/render/diff).
  const cut = /^🔐 Approval #1 in main: the agent wants to write big\.txt: new file, \+200\n… 124 more lines not shown: (\S+)\nReply yes 1/.exec(prompt);
  expect(cut).not.toBeNull();
  expect((await sentTo(phone)).filter((m) => m.media.length > 0).map((m) => m.body)).toEqual(["big.txt: new file, +200"]);
  const page = await exports.default.fetch(new Request(cut![1]!));
  expect(page.status).toBe(200);
  const html = await page.text();
  // The tool once, then what its prompt said, and the edit's lines without the hunk header.
  expect(html).toContain("<b>Write</b> big.txt: new file, +200\n+line 1\n");
  expect(html).not.toContain("@@ -0,0");
  expect(html).toContain("+line 200 → pending");
  await answerTo(phone, "no", /^🚫 Denied/);
});
