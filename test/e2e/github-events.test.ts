// Runs started from outside the chat, end to end (wrangler dev, the VM with the real Claude Code
// CLI on the offline model, the Twilio emulator and the GitHub stand-in): a repository watched
// from WhatsApp and its webhook made in the stand-in by /github watch itself; an issue labelled
// `agent` cloning the repository (leaving the current conversation as it was) and answered in the
// chat; `/agent` comments from a collaborator and from a stranger, and a redelivery; an HTTP
// trigger fired twice with one Idempotency-Key, and once with a wrong token. Each text asks for a
// command that writes (the offline model's directive): that it is asked for shows the agent got
// the text, and that it is asked before it runs shows such runs ask (the repository not trusted).
import { beforeAll, expect, it } from "vitest";
import { z } from "zod";
import { LOCAL_GITHUB } from "../../scripts/stack/github-plan";
import { useResources } from "../helpers/resources";
import { eventually, sentTo, type SentMessage } from "./helpers/emulator-api";
import { PHONES, startE2eStack, type E2eStack } from "./helpers/e2e-stack";

const [ALICE] = PHONES;
const REPO = `${LOCAL_GITHUB.owner}/${LOCAL_GITHUB.repo}`;
let stack: E2eStack;
const resources = useResources();

beforeAll(async () => {
  stack = await startE2eStack("github-events", resources, { standIns: true });
});

/** A WhatsApp text from Alice, as Twilio delivers it (the emulator signs and posts it). */
async function send(body: string): Promise<void> {
  const inbound = await fetch(`${stack.urls.twilio}/__emulator/inbound`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ from: ALICE, body }) });
  expect(await inbound.json()).toMatchObject({ status: 200 });
}

const sent = () => sentTo(stack.urls.twilio, ALICE);
const bodies = async () => (await sent()).map((m) => m.body ?? "");

/** The first message after the `seen` first ones that matches; fails with what came instead. */
async function next(what: string, seen: number, match: (body: string) => boolean, timeoutMs = 90_000): Promise<{ body: string; index: number }> {
  try {
    return await eventually(
      what,
      async () => {
        const all = await sent();
        const index = all.findIndex((m: SentMessage, i) => i >= seen && match(m.body ?? ""));
        return index >= 0 ? { body: all[index]?.body ?? "", index } : undefined;
      },
      timeoutMs,
    );
  } catch (error) {
    throw new Error(`${String(error)}; sent since: ${JSON.stringify((await bodies()).slice(seen))}`);
  }
}

const DeliveriesSchema = z.object({ deliveries: z.array(z.object({ id: z.number(), event: z.string(), action: z.string().nullable().optional(), statusCode: z.number().nullable(), error: z.string().nullable() })) });

/** A control route of the GitHub stand-in; returns the deliveries it made. */
async function control(path: string, body: unknown, status = 201) {
  const response = await fetch(`${stack.urls.github}/__github/repos/${REPO}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  const text = await response.text();
  expect(response.status, text).toBe(status);
  return DeliveriesSchema.parse(JSON.parse(text)).deliveries;
}

/** The offline model's directive for a Bash command: text from GitHub or a trigger that asks for one (one that writes: reads go ahead unasked in every mode). */
const bashOf = (command: string) => `[[tool Bash ${JSON.stringify({ command })}]]`;
/** The approval prompt of a run for `command` (behind the run's labels). */
const isPromptFor = (command: string) => (body: string) => body.includes("🔐 Approval") && body.includes(command);
/** `yes 4` for the prompt #4: a run an event started is answered by its prompt's number (or button), never by a bare yes. */
const yesTo = (prompt: string) => `yes ${/🔐 Approval #(\d+)/.exec(prompt)?.[1] ?? "?"}`;

let issueNumber = 0;
/** The stand-in's id of the `issues` `labeled` delivery, to send it again. */
let labeledDelivery = 0;

it("watches the repository from WhatsApp, which registers its webhook with the stand-in, whose ping is taken", async () => {
  await send(`/github watch ${REPO}`);
  const reply = await next("the watch reply", 0, (b) => b.startsWith(`Watching ${REPO}.`));
  // The local stack's Worker knows the stand-in (GITHUB_STAND_IN_URL) and made the webhook there itself: one line, nothing to paste, and one hook, so each event below is delivered once.
  expect(reply.body).toBe(`Watching ${REPO}. The local GitHub stand-in has its webhook already (${stack.urls.github}/${REPO}/settings/hooks): nothing to paste.`);
  const hooks = z.array(z.object({ url: z.string(), contentType: z.string(), active: z.boolean() })).parse(await (await fetch(`${stack.urls.github}/__github/hooks`)).json());
  expect(hooks.map((h) => [h.contentType, h.active])).toEqual([["json", true]]);
  expect(hooks[0]?.url).toMatch(new RegExp(`^${stack.urls.worker}/github/webhook/[A-Za-z0-9_-]{40,}$`));
  // GitHub pings a new webhook: the Worker found the door and the signature right.
  const PingsSchema = z.array(z.object({ statusCode: z.number().nullable(), error: z.string().nullable() }));
  const pinged = await eventually("the ping's answer", async () => {
    const pings = PingsSchema.parse(await (await fetch(`${stack.urls.github}/__github/deliveries?repo=${REPO}&event=ping`)).json());
    return pings.length > 0 && pings.every((d) => d.statusCode !== null || d.error !== null) ? pings : undefined;
  });
  expect(pinged.map((d) => [d.statusCode, d.error])).toEqual([[200, null]]);
});

it("an issue labelled agent: told what started it, the repository cloned into a new conversation, the run answered in the chat", async () => {
  const seen = (await sent()).length;
  const created = await fetch(`${stack.urls.github}/__github/repos/${REPO}/issues`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    // The body asks for a command (the offline model's directive): the run, started by GitHub and untrusted, asks before it.
    body: JSON.stringify({ title: "Lint", body: `please ${bashOf("touch add-lint-step.txt && echo add-lint-step")}`, labels: ["agent"] }),
  });
  const issue = z.object({ number: z.number(), deliveries: DeliveriesSchema.shape.deliveries }).safeParse(await created.json());
  expect(created.status).toBe(201);
  // `issues` opened, then `labeled`: both stored (202), neither a 5xx.
  expect(issue.success && issue.data.deliveries.map((d) => [d.event, d.statusCode])).toEqual([["issues", 202], ["issues", 202]]);
  issueNumber = issue.success ? issue.data.number : 0;
  labeledDelivery = issue.success ? (issue.data.deliveries[1]?.id ?? 0) : 0;

  const origin = `GitHub: ${REPO}#${issueNumber} labelled agent`;
  const cloning = await next("the cloning notice", seen, (b) => b.startsWith(origin) && b.includes("no conversation has"));
  expect(cloning.body).toBe(`${origin}: no conversation has ${REPO}; cloning it into @sample first, then the run starts.`);
  // The clone the VM made from the stand-in (its private repository, with the VM's token); the
  // user's current conversation stays main, as they did not ask for it.
  const cloned = await next("the clone", seen, (b) => b.startsWith("Cloned sample (main, 4 files)"));
  expect(cloned.body).toMatch(/ in \d+ s\. \/switch sample to write to it\.$/);
  await next("the started notice", seen, (b) => b.includes(`▶️ ${origin}: started a run in @sample.`));
  // The agent was given the issue's body: the command it asks for is the body's, asked before it runs (the repository is not trusted).
  const asked = await next("the approval of the issue's command", seen, isPromptFor("touch add-lint-step.txt && echo add-lint-step"));
  expect(asked.body).toContain(`[${REPO}#${issueNumber} issue]`);
  await send(yesTo(asked.body));
  const answer = await next("the run's answer", asked.index + 1, (b) => b.includes("The Bash tool answered") && b.includes("add-lint-step"));
  expect(answer.body).toContain(`[${REPO}#${issueNumber} issue]`);
});

it("an /agent comment from a collaborator starts a run answered in the chat; a stranger's starts nothing", async () => {
  const seen = (await sent()).length;
  const ours = await control(`/issues/${issueNumber}/comments`, { body: `/agent please ${bashOf("touch collab-marker-1.txt && echo collab-marker-1")}`, by: LOCAL_GITHUB.reviewer });
  expect(ours.map((d) => [d.event, d.statusCode])).toEqual([["issue_comment", 202]]);
  const origin = `GitHub: @${LOCAL_GITHUB.reviewer}'s /agent on ${REPO}#${issueNumber}`;
  await next("the started notice", seen, (b) => b.includes(`▶️ ${origin}: started a run in @sample.`));
  // The comment reached the agent: its command, asked before it runs.
  const asked = await next("the approval of the comment's command", seen, isPromptFor("touch collab-marker-1.txt && echo collab-marker-1"));
  await send(yesTo(asked.body));
  const answer = await next("the comment run's answer", asked.index + 1, (b) => b.includes("The Bash tool answered") && b.includes("collab-marker-1"));
  expect(answer.body).toContain(`[${REPO}#${issueNumber} comment]`);

  const before = (await sent()).length;
  const theirs = await control(`/issues/${issueNumber}/comments`, { body: `/agent please ${bashOf("touch stranger-marker-2.txt && echo stranger-marker-2")}`, by: "stranger" });
  // Stored as seen (202), and nothing started.
  expect(theirs.map((d) => [d.event, d.statusCode])).toEqual([["issue_comment", 202]]);
  // And the label's delivery again (a redelivery keeps its GUID): 200, nothing more happens.
  const again = await fetch(`${stack.urls.github}/__github/deliveries/${labeledDelivery}/redeliver`, { method: "POST" });
  expect([again.status, await again.json()]).toMatchObject([201, { event: "issues", action: "labeled", redelivery: true, statusCode: 200 }]);
  // Alice's own message to that conversation queues after anything the stranger's could have.
  await send("@sample after-the-stranger");
  const reply = await next("the reply to Alice's message", before, (b) => b.includes("[offline model] You said: «(Meanwhile a run started by"));
  // The agent never got the stranger's comment nor the issue again. The issue's and the comment's
  // runs worked in sessions of their own: Alice's session holds her message alone, after one line of each.
  expect(reply.body).toContain(`You said: «(Meanwhile a run started by ${REPO}#${issueNumber} issue did: `);
  expect(reply.body).toContain("This conversation has 1 user message.");
  expect((await bodies()).slice(before).filter((b) => b.includes("stranger") && !b.includes("after-the-stranger"))).toEqual([]);
});

it("a trigger fired twice with one Idempotency-Key starts one run whose answer carries the text; a wrong token gets 401", async () => {
  const seen = (await sent()).length;
  await send("/switch sample");
  await send("/trigger add deploy-check check-the-deploy");
  const made = await next("the trigger's URL and token", seen, (b) => b.startsWith("Trigger deploy-check:"));
  const url = /^URL: (\S+)$/m.exec(made.body)?.[1] ?? "";
  const token = /^Token: (\S+)$/m.exec(made.body)?.[1] ?? "";
  // The door: a sealed id (base64url), the token derived from it.
  expect(url).toMatch(new RegExp(`^${stack.urls.worker}/triggers/[A-Za-z0-9_-]{40,}$`));

  const fire = (bearer: string, key: Record<string, string> = { "idempotency-key": "deploy-1234" }) =>
    fetch(url, { method: "POST", headers: { authorization: `Bearer ${bearer}`, ...key, "content-type": "application/json" }, body: JSON.stringify({ text: bashOf("touch deploy-1234-finished.txt && echo deploy-1234-finished") }) });
  const first = await fire(token);
  expect([first.status, await first.json()]).toEqual([202, { status: "queued" }]);
  const second = await fire(token);
  expect([second.status, await second.json()]).toEqual([202, { status: "duplicate" }]);
  // Without a key, so that a firing it let through would be a run of its own (/triggers counts them below).
  const wrong = await fire(`${token.slice(0, -1)}${token.endsWith("0") ? "1" : "0"}`, {});
  expect([wrong.status, await wrong.json()]).toEqual([401, { error: "unauthorized" }]);

  // The text reached the agent, appended to the prompt: the command it asks for, asked before it runs (a trigger's run always asks).
  const isAsked = isPromptFor("touch deploy-1234-finished.txt && echo deploy-1234-finished");
  const asked = await next("the approval of the trigger's command", seen, isAsked);
  expect(asked.body).toContain("[trigger deploy-check]");
  await send(yesTo(asked.body));
  // The run's own answer (the user's next reply quotes its first line too, in the meanwhile line).
  const isAnswer = (b: string) => b.includes("[trigger deploy-check] [offline model] The Bash tool answered") && b.includes("deploy-1234-finished");
  await next("the trigger run's answer", asked.index + 1, isAnswer);
  // A second run would be queued in the same conversation before this message.
  await send("after-the-trigger");
  const isReplyAfter = (b: string) => b.includes("[offline model] You said: «(Meanwhile a run started by trigger deploy-check did: ");
  await next("the reply after the trigger", seen, isReplyAfter);
  const after = (await bodies()).slice(seen);
  expect(after.filter(isAsked)).toHaveLength(1);
  expect(after.filter(isAnswer)).toHaveLength(1);
  expect(after.filter((b) => b.includes("▶️ trigger deploy-check: started a run"))).toHaveLength(1);
  // Alice's session: her message before and this one, which heard of one trigger run, not two.
  const replyAfter = after.find(isReplyAfter) ?? "";
  expect(replyAfter).toContain("This conversation has 2 user messages");
  expect(replyAfter.split("(Meanwhile a run started by trigger deploy-check")).toHaveLength(2);
  // The trigger's own count says one run too.
  const listed = (await sent()).length;
  await send("/triggers");
  expect((await next("the list of triggers", listed, (b) => b.startsWith("Your triggers"))).body).toMatch(/^deploy-check – @sample, last fired .*, 1 time in all$/m);
});
