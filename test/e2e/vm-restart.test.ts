// The agent VM restarts in the middle of a run (SIGTERM, then started again on the same DATA_DIR):
// the relay retries and the user still gets exactly one reply, seen in the phone simulator.
import type { Browser } from "playwright-core";
import { beforeAll, expect, it } from "vitest";
import { launchChromium } from "../../emulator/tools/chromium";
import { useResources } from "../helpers/resources";
import { replyTo, sentTo } from "./helpers/emulator-api";
import { PHONES, startE2eStack, type E2eStack } from "./helpers/e2e-stack";
import { openPhone, screenshot, type, waitForReplies } from "./helpers/simulator-page";

const ERIN = PHONES[4];
let stack: E2eStack;
let browser: Browser;

const resources = useResources();

beforeAll(async () => {
  [stack, browser] = await Promise.all([startE2eStack("vm-restart", resources), resources.track(launchChromium(), (b) => b.close())]);
});

it("loses nothing when the VM restarts mid-run: one reply, then the next message is answered after it", async () => {
  const page = await openPhone(browser, stack.urls.twilio, ERIN);
  const first = "[[slow 8000]] keep this safe across a restart";
  await type(page, first);
  await page.getByTestId("typing").waitFor({ timeout: 90_000 });
  const vmBefore = stack.stack.child("vm")!.pid;

  await stack.stack.restart("vm");

  expect(stack.stack.child("vm")!.pid).not.toBe(vmBefore);
  const [reply] = await waitForReplies(page, 1, 120_000);
  // The turn was cut off: the next run got the message again, followed by the relay's note that
  // it was interrupted (the offline model quotes what the user said, then the relay's note apart).
  const quoted = replyTo(first).slice(0, -1);
  expect(reply).toContain(`${replyTo(first)}. The relay told me: «[relay] You already had this message in a turn that was interrupted`);
  // A later message is answered after it: had the interrupted run also delivered, its reply
  // would have come before this one.
  await type(page, "and after the restart?");
  const shown = await waitForReplies(page, 2, 120_000);
  expect(shown).toHaveLength(2);
  expect(shown[1]).toContain(replyTo("and after the restart?"));
  const sent = (await sentTo(stack.urls.twilio, ERIN)).map((m) => m.body ?? "");
  expect(sent.filter((body) => body.includes(quoted))).toHaveLength(1);
  expect(sent).toHaveLength(2);
  expect(stack.lines.some((line) => line.startsWith("[vm]") && line.includes("SIGTERM"))).toBe(true);
  await screenshot(page, "vm-restart");
});
