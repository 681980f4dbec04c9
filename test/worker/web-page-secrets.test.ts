// The private page never shows a secret the chat showed once: /github watch's webhook secret and
// /trigger add's token are on no page a link opens (the conversation's, /web all, a run's, the
// dashboard), each replaced by "(shown once in the chat)"; a run the trigger started shows what
// started it, and its prompt only folded, never as a message.
import { exports } from "cloudflare:workers";
import { expect, it } from "vitest";
import { ask, eventually, sentTo } from "./helpers";
import { watchDoor } from "./github-helpers";
import { addTrigger, fire } from "./trigger-helpers";
import { TEST_ADMIN, TEST_PUBLIC_URL } from "./test-env";

const phone = TEST_ADMIN;
const LINK = new RegExp(`${TEST_PUBLIC_URL.replace(/[.]/g, "\\.")}(/web/[A-Za-z0-9_-]{22})(?:\\s|$)`);
const html = async (path: string) => {
  const response = await exports.default.fetch(new Request(`${TEST_PUBLIC_URL}${path}`));
  expect(response.status, path).toBe(200);
  return response.text();
};
const linkIn = (reply: string) => LINK.exec(reply)?.[1] ?? "";

it("shows neither the webhook secret nor the trigger token on any page a link opens", async () => {
  const { secret } = await watchDoor(phone, "acme/secretive");
  const trigger = await addTrigger(phone, "deploy", "deploy the site");
  expect((await fire(trigger.url, { token: trigger.token, body: JSON.stringify({ text: "from the pipeline" }) })).status).toBe(202);
  await eventually(async () => (await sentTo(phone)).some((m) => (m.body ?? "").includes("echo:") && (m.body ?? "").includes("deploy the site")));

  const pages: string[] = [];
  const conversation = linkIn(await ask(phone, "/web"));
  const all = linkIn(await ask(phone, "/web all"));
  for (const link of [conversation, all]) {
    const page = await html(link);
    pages.push(page);
    for (const run of page.matchAll(/href="(\/web\/[A-Za-z0-9_-]{22}\/runs\/[^"]+)"/g)) pages.push(await html(run[1]!));
  }
  pages.push(await html(linkIn(await ask(phone, "/dashboard"))));
  expect(pages.length).toBeGreaterThanOrEqual(3);

  for (const page of pages) {
    expect(page).not.toContain(secret);
    expect(page).not.toContain(trigger.token);
  }
  const main = pages[0]!;
  expect(main.match(/\(shown once in the chat\)/g)).toHaveLength(2);
  // The firing's notice is a message; its prompt is not, only the run's folded data.
  expect(main).toMatch(/▶️ [^<]*started a run in @main/);
  expect(main).toMatch(/<details class="event"><summary>[^<]*<\/summary><pre>[^<]*from the pipeline/);
  // The agent's echo quotes it; neither the user nor the relay said it.
  const items = [...main.matchAll(/<li class="(user|agent|relay)"[^>]*>([\s\S]*?)<\/li>/g)].map((m) => ({ from: m[1], html: m[2]! }));
  expect(items.filter((i) => i.html.includes("from the pipeline")).map((i) => i.from)).toEqual(["agent"]);
});
