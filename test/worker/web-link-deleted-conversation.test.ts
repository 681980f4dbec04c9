// A conversation's id is never given again: an unexpired /web link to a deleted conversation is a
// plain 404, and never opens the conversation made after it.
import { exports } from "cloudflare:workers";
import { expect, it } from "vitest";
import { ask } from "./helpers";
import { TEST_PUBLIC_URL } from "./test-env";

const phone = "+15550000256";
const LINK = new RegExp(`${TEST_PUBLIC_URL.replace(/[.]/g, "\\.")}(/web/[A-Za-z0-9_-]{22})(?:\\s|$)`);
const get = (path: string) => exports.default.fetch(new Request(`${TEST_PUBLIC_URL}${path}`));

it("a link to a deleted conversation stays dead after /new makes another", async () => {
  await ask(phone, "/new old");
  expect(await ask(phone, "words of the old conversation")).toBe("echo: words of the old conversation");
  const link = LINK.exec(await ask(phone, "/web"))?.[1];
  expect(link).toBeTruthy();
  expect(await (await get(link!)).text()).toContain("Conversation “old”");

  await ask(phone, "/switch main");
  expect(await ask(phone, "/delete old yes")).toMatch(/deleted/i);
  await ask(phone, "/new fresh");
  expect(await ask(phone, "words of the fresh conversation")).toBe("echo: words of the fresh conversation");

  const response = await get(link!);
  expect(response.status).toBe(404);
  expect(await response.text()).toBe("Not found");
  // The fresh conversation's own link shows it alone, without the old one's words.
  const html = await (await get(LINK.exec(await ask(phone, "/web"))![1]!)).text();
  expect(html).toContain("words of the fresh conversation");
  expect(html).not.toContain("words of the old conversation");
});
