// An HTTP trigger end to end: /trigger add shows a URL and a token once; a POST with the token
// starts the trigger's prompt (with the caller's text) in its conversation, and the reply reaches
// the chat; the same Idempotency-Key twice is one run; /status, /triggers and the private page
// name what started the run.
import { exports } from "cloudflare:workers";
import { beforeAll, expect, it } from "vitest";
import { ask, bodies, eventually, query, releaseVm, sentTo, vmRequests } from "./helpers";
import { addTrigger, allowPhones, fire } from "./trigger-helpers";
import { TEST_PUBLIC_URL } from "./test-env";

const PHONES = ["+15550000971", "+15550000972"];
beforeAll(() => allowPhones(PHONES));

it("fires a trigger: 202, one run of its prompt and text in its conversation, the reply in the chat; a repeated key is a duplicate", async () => {
  const phone = PHONES[0]!;
  await ask(phone, "/new ops");
  const made = await addTrigger(phone, "deploy-check", "check the deploy");
  expect(made.url).toMatch(new RegExp(`^${TEST_PUBLIC_URL.replace(/\./g, "\\.")}/triggers/[A-Za-z0-9_-]{40,}$`));
  expect(made.reply).toContain("@ops");
  expect(made.reply).toContain("shown this once");
  // The token is derived from the relay's door key and the URL, and kept nowhere.
  expect(JSON.stringify(await query(phone, "SELECT * FROM triggers"))).not.toContain(made.token);
  await ask(phone, "/switch main");

  const first = await fire(made.url, { token: made.token, key: "build-42", body: JSON.stringify({ text: "build 42 is out" }) });
  expect(first.status).toBe(202);
  expect(await first.json()).toEqual({ status: "queued" });
  const again = await fire(made.url, { token: made.token, key: "build-42", body: JSON.stringify({ text: "build 42 is out" }) });
  expect(again.status).toBe(202);
  expect(await again.json()).toEqual({ status: "duplicate" });

  const sent = await eventually(async () => {
    const all = bodies(await sentTo(phone));
    return all.some((b) => b?.includes("echo: check the deploy")) && all;
  });
  expect(sent.filter((b) => b === "▶️ trigger deploy-check: started a run in @ops.")).toHaveLength(1);
  expect(sent.find((b) => b?.includes("echo: check the deploy"))).toContain("build 42 is out");
  expect((await vmRequests(phone)).filter((r) => r.kind === "start")).toHaveLength(1);
  const rows = await query<{ id: string; origin: string; name: string }>(phone, "SELECT m.id, m.origin, c.name FROM messages m JOIN conversations c ON c.id = m.conversation_id WHERE m.origin IS NOT NULL");
  expect(rows).toEqual([{ id: expect.stringMatching(new RegExp(`^trigger-${made.id}-[0-9a-f]+$`)), origin: "trigger deploy-check", name: "ops" }]);

  // With no key each call is a firing of its own.
  for (let i = 0; i < 2; i++) expect((await fire(made.url, { token: made.token })).status).toBe(202);
  // Every firing answered (the notices and the echoes sent), so /triggers' answer is the next message.
  await eventually(async () => (await query<{ n: number }>(phone, "SELECT count(*) AS n FROM messages WHERE origin IS NOT NULL AND status = 'answered'"))[0]?.n === 3);
  await eventually(async () => (await query<{ n: number }>(phone, "SELECT count(*) AS n FROM outbox WHERE sent_ref IS NULL"))[0]?.n === 0);
  const listed = await ask(phone, "/triggers");
  expect(listed).toMatch(/^deploy-check – @ops, last fired just now, 3 times in all$/m);
  expect(listed).not.toContain(made.token);
});

it("names the trigger in /status while its run goes on, and on the private page's run row", async () => {
  const phone = PHONES[1]!;
  await ask(phone, "/status");
  const made = await addTrigger(phone, "nightly", "run the nightly checks");
  expect((await fire(made.url, { token: made.token, body: JSON.stringify({ text: "[[vm:hold]]" }) })).status).toBe(202);
  await eventually(async () => (await vmRequests(phone)).some((r) => r.kind === "start"));
  expect(await ask(phone, "/status")).toMatch(/^The agent is busy in main for under a minute \(started by trigger nightly\)/);

  const link = /\/web\/\S+/.exec(await ask(phone, "/web"))?.[0];
  const html = await (await exports.default.fetch(new Request(`${TEST_PUBLIC_URL}${link}`))).text();
  expect(html).toContain("started by trigger nightly");
  // The transcript shows the chat's notice; the prompt only folded under the run, never as a message.
  expect(html).toContain("▶️ trigger nightly: started a run in @main.");
  expect(html).toMatch(/<details class="event"><summary>[^<]*<\/summary><pre>run the nightly checks/);
  await releaseVm(phone);
  await eventually(async () => bodies(await sentTo(phone)).some((b) => b?.startsWith("[trigger nightly] echo: run the nightly checks")));
});
