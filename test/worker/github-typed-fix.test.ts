// Every button has a typed equivalent: a typed "fix it" under a CI failure's notice starts the
// same run its "Fix it" button would (the one that hears what failed), once.
import { beforeAll, expect, it } from "vitest";
import { eventually, sendInbound, sentTo, vmRequests } from "./helpers";
import { deliver, payloads, shippedPr, watch } from "./github-helpers";
import { allowPhones } from "./trigger-helpers";

const phone = "+15550003454";
beforeAll(() => allowPhones([phone]));

const starts = async () => (await vmRequests(phone)).filter((r) => r.kind === "start");
const said = (match: (b: string) => boolean) => eventually(async () => (await sentTo(phone)).find((m) => m.body !== null && match(m.body)));

it("a typed fix it starts the CI failure's fix run, as the button does; once started, fix it is a message for the agent", async () => {
  const secret = await watch(phone, "acme/typed");
  await shippedPr(phone, "acme/typed", 7);
  await deliver("check_run", payloads.checkRun("acme/typed", "test", "failure", "FAIL src/b.test.ts\nexpected 1, got 0"), secret);
  await deliver("check_suite", payloads.checkSuite("acme/typed", 7, "failure"), secret);
  await said((b) => b.startsWith("❌ CI failed on acme/typed#7"));

  await sendInbound(phone, "Fix it!");
  await said((b) => b === "▶️ GitHub: CI failed on acme/typed#7: started a run in @main.");
  const reply = await said((b) => b.startsWith("[acme/typed#7 CI] echo: CI failed on pull request acme/typed#7"));
  expect(reply.body).toContain("FAIL src/b.test.ts");
  expect((await starts()).map((s) => s.messages?.[0]?.id)).toEqual([expect.stringMatching(/^gh-fix-/)]);

  // The notice's run is started: the same words now reach the agent as the user's own message (in
  // the user's own session, which hears first what the fix run did in its fork).
  await sendInbound(phone, "fix it");
  await said((b) => b.startsWith("echo: (Meanwhile a run started by acme/typed#7 CI did: echo: CI failed on pull request acme/typed#7") && b.endsWith("\n\nfix it"));
  expect(await starts()).toHaveLength(2);
});
