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

  // Conversations run side by side: web starts beside a busy main. A message for web while web is
  // busy waits in web's place, and switching does not move it.
  await sendInbound(phone, "slow work [[vm:hold]]");
  await sendInbound(phone, "@web one [[vm:hold]]");
  await eventually(async () => (await vmRequests(phone)).filter((r) => r.kind === "start").length === 3);
  await ask(phone, "/switch web");
  await sendInbound(phone, "two");
  await ask(phone, "/switch main");
  await releaseVm(phone);
  await eventually(async () => bodies(await sentTo(phone)).some((b) => (b ?? "").startsWith("[web] echo:") && (b ?? "").includes("two")));
  const requests = await vmRequests(phone);
  const [web] = await query<{ workspace: string }>(phone, "SELECT workspace FROM conversations WHERE name = 'web'");
  // "two" went to web's own run, in web's project, never to main's.
  const webRun = requests.find((r) => r.kind === "start" && r.workspace === web!.workspace && r.messages?.[0]?.text === "one [[vm:hold]]")!;
  const withTwo = requests.filter((r) => (r.kind === "start" || r.kind === "input") && r.messages?.some((m) => m.text === "two"));
  expect(withTwo).toHaveLength(1);
  expect(withTwo[0]!.kind === "input" ? withTwo[0]!.runId : withTwo[0]!.workspace).toBe(withTwo[0]!.kind === "input" ? webRun.runId : web!.workspace);
  // Both runs' answers name their conversations: two went at once.
  expect(bodies(await sentTo(phone))).toEqual(expect.arrayContaining(["[main] echo: slow work [[vm:hold]]", "[web] echo: one [[vm:hold]]"]));
});
