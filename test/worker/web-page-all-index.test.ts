// /web all opens with an index of the conversations, the latest active first, each conversation
// folded under its name; one conversation's page shows it open, without an index.
import { exports } from "cloudflare:workers";
import { expect, it } from "vitest";
import { ask } from "./helpers";
import { TEST_PUBLIC_URL } from "./test-env";

const phone = "+15550000257";
const LINK = new RegExp(`${TEST_PUBLIC_URL.replace(/[.]/g, "\\.")}(/web/[A-Za-z0-9_-]{22})(?:\\s|$)`);
const page = async (reply: string) => (await exports.default.fetch(new Request(`${TEST_PUBLIC_URL}${LINK.exec(reply)![1]}`))).text();

it("indexes the conversations newest first and folds each one", async () => {
  await ask(phone, "in main");
  await ask(phone, "/new alpha");
  await ask(phone, "in alpha");
  await ask(phone, "/new beta");
  await ask(phone, "in beta");
  await ask(phone, "/switch main");
  await ask(phone, "@alpha alpha again");

  const all = await page(await ask(phone, "/web all"));
  const index = /<nav class="index">([\s\S]*?)<\/nav>/.exec(all)?.[1] ?? "";
  const names = [...index.matchAll(/<a href="#c(\d+)">([^<]+)<\/a>/g)].map((m) => m[2]);
  // main: /web all was written there last; then alpha (its @ message, written from main), then beta (where /switch main was written).
  expect(names).toEqual(["main", "alpha", "beta"]);
  // Each index entry leads to its folded conversation.
  for (const [, id] of index.matchAll(/<a href="#c(\d+)">/g)) expect(all).toMatch(new RegExp(`<details class="conversation" id="c${id}"><summary><h2>Conversation “`));
  expect(all.indexOf('<nav class="index">')).toBeLessThan(all.indexOf("<details"));

  const one = await page(await ask(phone, "/web"));
  expect(one).not.toContain('<nav class="index">');
  expect(one).toMatch(/<section class="conversation" id="c\d+"><h2>Conversation “main”/);
});
