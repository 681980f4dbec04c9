import { expect, it } from "vitest";
import { ask, bodies, eventually, query, releaseVm, sendInbound, sentTo, vmRequests } from "./helpers";

const phone = "+15550000161";

it("@name sends one message to that conversation without switching; messages queued for it stay with it", async () => {
  await ask(phone, "/new web");
  await ask(phone, "/switch main");
  expect(await ask(phone, "@web run the linter")).toBe("[web] echo: run the linter");
  expect(await ask(phone, "/status")).toContain("Current conversation: main");
  expect(await ask(phone, "@nope hello")).toBe("There is no conversation named nope. /sessions lists them.");
  expect(await ask(phone, "@web")).toBe("Write the message after @web, e.g. @web run the tests.");

  // main is busy; a message for web waits in web's place, and switching does not move it.
  await sendInbound(phone, "slow work [[vm:hold]]");
  await eventually(async () => (await vmRequests(phone)).filter((r) => r.kind === "start").length === 2);
  await sendInbound(phone, "@web one");
  await ask(phone, "/switch web");
  await sendInbound(phone, "two");
  await releaseVm(phone);
  await eventually(async () => bodies(await sentTo(phone)).includes("echo: one | two"));
  const starts = (await vmRequests(phone)).filter((r) => r.kind === "start");
  const [web] = await query<{ workspace: string }>(phone, "SELECT workspace FROM conversations WHERE name = 'web'");
  // One batch for web: both its messages, in order, in its project.
  expect(starts.at(-1)!.workspace).toBe(web!.workspace);
  expect(starts.at(-1)!.messages!.map((m) => m.text)).toEqual(["one", "two"]);
  // main's answer arrived while web was current: named.
  expect(bodies(await sentTo(phone))).toContain("[main] echo: slow work [[vm:hold]]");
});
