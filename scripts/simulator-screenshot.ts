// Regenerates docs/simulator.png from the real local stack: a short conversation typed into the
// phone simulator of a running `npm start` (relay, VM, offline model), photographed in Chromium.
// Run: npm start (fresh state for a clean conversation), then `npx tsx scripts/simulator-screenshot.ts [out.png] [simulator URL]`.
import type { Page } from "playwright-core";
import { launchChromium } from "../emulator/tools/chromium";

const output = process.argv[2] ?? "docs/simulator.png";
const simulator = process.argv[3] ?? "http://127.0.0.1:8788";
const ALICE = "+15551230001";

async function say(page: Page, text: string): Promise<void> {
  await page.getByTestId("composer").fill(text);
  await page.getByTestId("composer").press("Enter");
}

const replies = (page: Page) => page.locator("[data-testid=message][data-direction=out]");

const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 880 } });
  await page.goto(`${simulator}/?phone=${encodeURIComponent(ALICE)}`);
  await page.getByTestId("connection").filter({ hasText: "live" }).waitFor();

  await say(page, "Hi! The build is red on main. Can you run the tests and fix what fails?");
  // While the agent works on it (the typing bubble is up), a second message gets the acknowledgement.
  await page.getByTestId("typing").waitFor({ timeout: 60_000 });
  await say(page, "Also: when did we last deploy?");
  await replies(page).nth(2).waitFor({ timeout: 120_000 });
  await say(page, "Thanks! Merge it once CI is green.");
  // Every reply delivered and read, so the ticks are blue.
  await page.locator("[data-testid=message][data-direction=out][data-status=read]").nth(3).waitFor({ timeout: 120_000 });
  await page.screenshot({ path: output });
  console.log(`wrote ${output}`);
} finally {
  await browser.close();
}
