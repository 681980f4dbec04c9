// The relay's own questions, answered in the phone simulator (headless Chromium at 390×844) while a
// run of another conversation is live: the real stack (wrangler dev, the VM with the real Claude Code
// CLI on the offline model, the Twilio emulator). /undo's No tapped and yes typed, /redo, and
// /delete's confirmation are the relay's answers, never a message for the agent.
import type { Browser, Page } from "playwright-core";
import { beforeAll, expect, it, onTestFinished } from "vitest";
import { launchChromium } from "../../emulator/tools/chromium";
import { useResources } from "../helpers/resources";
import { eventually } from "./helpers/emulator-api";
import { PHONES, startE2eStack, type E2eStack } from "./helpers/e2e-stack";
import { openPhone, replies, screenshot, type } from "./helpers/simulator-page";

const PHONE = PHONES[0];
let stack: E2eStack;
let browser: Browser;
const resources = useResources();

beforeAll(async () => {
  [stack, browser] = await Promise.all([startE2eStack("questions-beside-run", resources), resources.track(launchChromium(), (b) => b.close())]);
});

const outBubbles = (page: Page) => page.locator("[data-testid=message][data-direction=out]");

/** The first reply after the `before` first ones shown that matches `pattern`; a failure says what came instead. */
async function replyAfter(page: Page, before: number, pattern: RegExp, what: string, timeoutMs: number): Promise<string> {
  try {
    return await eventually(what, async () => (await replies(page)).slice(before).find((r) => pattern.test(r)), timeoutMs);
  } catch (error) {
    throw new Error(`${String(error)}; shown since: ${JSON.stringify((await replies(page)).slice(before))}`);
  }
}

/** Types `text` and waits for the first reply after those already shown that matches `pattern`: its text. */
async function say(page: Page, text: string, pattern: RegExp, timeoutMs = 30_000): Promise<string> {
  const before = (await replies(page)).length;
  await type(page, text);
  return replyAfter(page, before, pattern, `a reply to ${JSON.stringify(text)} matching ${pattern}`, timeoutMs);
}

/** Alpha's run is still the one live: /status says so, and its answer has not come. */
async function alphaStillRunning(page: Page): Promise<void> {
  expect(await say(page, "/status", /^The agent is /)).toMatch(/^The agent is busy in alpha for /);
  expect((await replies(page)).filter((r) => r.includes("I spent about a minute"))).toEqual([]);
}

it("answers /undo (tapped No, typed yes), /redo and /delete in the simulator while alpha's minute-long run is live", async () => {
  const page = await openPhone(browser, stack.urls.twilio, PHONE, { width: 390, height: 844 });
  onTestFinished(() => page.close());
  await say(page, "/new alpha", /^New conversation alpha/);
  await say(page, "/new beta", /^New conversation beta/);
  // beta's change comes first: a minute is not long on a loaded machine, so every question fits in alpha's run.
  await say(page, "write hello to notes.txt", /changed, \+/, 150_000);

  const before = (await replies(page)).length;
  await type(page, "@alpha take a minute to refactor everything");
  await eventually("alpha's run live", async () => ((await say(page, "/status", /^The agent is /)).startsWith("The agent is busy in alpha") ? true : undefined), 120_000, 2_000);
  const agentReplies = (await replies(page)).filter((r) => r.includes("[offline model]")).length;

  // /undo asks with buttons; a real tap on No is answered by the relay.
  await say(page, "/undo", /^Undo /);
  const question = outBubbles(page).filter({ hasText: /^Undo / }).last();
  expect(await question.getByTestId("quick-reply").allTextContents()).toEqual(["Yes", "No"]);
  await screenshot(page, "questions-beside-run-undo");
  const beforeTap = (await replies(page)).length;
  await question.getByTestId("quick-reply").filter({ hasText: "No" }).click();
  expect(await replyAfter(page, beforeTap, /^Not undone|\[offline model\]|^That question/, "the relay's answer to the tap", 30_000)).toBe("Not undone: the files stay as they are.");
  await alphaStillRunning(page);

  await say(page, "/undo", /^Undo /);
  expect(await say(page, "yes", /^Undone: |\[offline model\]/)).toMatch(/^Undone: /);
  await alphaStillRunning(page);
  expect(await say(page, "/redo", /^Redone: |^Nothing to redo/)).toMatch(/^Redone: /);

  // beta is current: /delete wants another one current first.
  await say(page, "/switch main", /^Switched to main/);
  expect(await say(page, "/delete beta", /^Delete beta/)).toBe("Delete beta and its project directory, with any work not pushed? Send /delete beta yes.");
  expect(await say(page, "/delete beta yes", /^Deleted beta|has a run|\[offline model\]/)).toBe("Deleted beta and its project directory.");
  await alphaStillRunning(page);

  // Not one answer reached an agent: no new reply of the offline model since alpha started.
  const shown = (await replies(page)).slice(before);
  expect(shown.filter((r) => r.includes("[offline model]"))).toEqual([]);
  expect((await replies(page)).filter((r) => r.includes("[offline model]"))).toHaveLength(agentReplies);
  await screenshot(page, "questions-beside-run");

  expect(await say(page, "/stop alpha", /^\[alpha\] Stopped|^Nothing/)).toMatch(/^\[alpha\] Stopped/);
  await eventually("alpha's run over", async () => ((await say(page, "/status", /^The agent is /)).startsWith("The agent is idle") ? true : undefined), 60_000, 2_000);
}, 180_000);
