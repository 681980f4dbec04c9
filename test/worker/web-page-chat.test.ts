// The private page says what the chat said: every message the user got, in the order they got it
// (a CI failure's notice, "started a run", the agent's replies, the commands' answers), each after
// the user's own messages it followed; never the prompt a CI failure gave the agent as a message.
import { exports } from "cloudflare:workers";
import { expect, it } from "vitest";
import { hideShownOnce } from "../../src/web/web-transcript";
import { whatsappHtml } from "../../src/web/whatsapp-markup";
import { ask, eventually, sendInbound, sentTo } from "./helpers";
import { deliver, payloads, shippedPr, watch } from "./github-helpers";
import { TEST_PUBLIC_URL } from "./test-env";

const phone = "+15550000254";
const LINK = new RegExp(`${TEST_PUBLIC_URL.replace(/[.]/g, "\\.")}(/web/[A-Za-z0-9_-]{22})(?:\\s|$)`);
const said = (match: (b: string) => boolean) => eventually(async () => (await sentTo(phone)).find((m) => m.body !== null && match(m.body)));

it("shows the chat's messages in the chat's order, the CI notice and the fix run's notice among them", async () => {
  expect(await ask(phone, "please *check* the `build`")).toMatch(/^echo: please/);
  const secret = await watch(phone, "acme/chat");
  await shippedPr(phone, "acme/chat", 4);
  await deliver("check_run", payloads.checkRun("acme/chat", "test", "failure", "FAIL src/c.test.ts"), secret);
  await deliver("check_suite", payloads.checkSuite("acme/chat", 4, "failure"), secret);
  await said((b) => b.startsWith("❌ CI failed on acme/chat#4"));
  await sendInbound(phone, "fix it");
  await said((b) => b.startsWith("[acme/chat#4 CI] echo: CI failed on pull request acme/chat#4"));
  expect(await ask(phone, "/status")).toMatch(/\S/);
  const link = LINK.exec(await ask(phone, "/web"))![1]!;

  const html = await (await exports.default.fetch(new Request(`${TEST_PUBLIC_URL}${link}`))).text();
  const entries = [...html.matchAll(/<li class="(user|agent|relay)"[^>]*><time>[^<]*<\/time><div class="text">([\s\S]*?)<\/div>(?:<p class="buttons">[\s\S]*?<\/p>)?<\/li>/g)].map((m) => ({ from: m[1]!, html: m[2]! }));
  const got = (await sentTo(phone)).map((m) => whatsappHtml(hideShownOnce(m.body ?? "")));
  // Everything the chat showed, nothing more, in its order (the webhook's secret aside: shown once).
  expect(entries.filter((e) => e.from !== "user").map((e) => e.html)).toEqual(got);
  expect(entries.filter((e) => e.from === "user").map((e) => e.html)).toEqual(["please *check* the `build`", "/github watch acme/chat", "fix it", "/status", "/web"].map(whatsappHtml));
  // Each of the user's messages comes before what answered it.
  const at = (text: string) => entries.findIndex((e) => e.html.startsWith(text));
  expect(at("please")).toBeLessThan(at("echo: please"));
  expect(at("❌ CI failed")).toBeLessThan(at("fix it"));
  expect(at("fix it")).toBeLessThan(at("▶️ GitHub: CI failed on acme/chat#4: started a run"));
  // Formatting as the chat shows it, and the agent's prompt of the CI failure only in its run, folded.
  expect(html).toContain("please <b>check</b> the <code>build</code>");
  expect(html).toMatch(/<a href="https:\/\/github\.com\/acme\/chat\/pull\/4" rel="noopener noreferrer">/);
  expect(html).toMatch(/started by GitHub: CI failed on acme\/chat#4[\s\S]*<details class="event"><summary>/);
  expect(entries.some((e) => e.html.startsWith("CI failed on pull request"))).toBe(false);
  // The notice's buttons under it, as the chat showed them.
  expect(html).toMatch(/❌ CI failed on acme\/chat#4[\s\S]*?<\/div><p class="buttons"><span>Fix it<\/span><span>Later<\/span><\/p>/);
});
