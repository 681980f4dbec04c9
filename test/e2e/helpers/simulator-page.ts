// Drives the phone simulator page in headless Chromium through its stable data-testid hooks.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { REPO_ROOT } from "./fresh-clone";

/** `viewport`: the desktop window by default; a phone's screen (390×844) when a test reads the page as on a phone. */
export async function openPhone(browser: Browser, twilioUrl: string, phone: string, viewport = { width: 1100, height: 820 }): Promise<Page> {
  const page = await browser.newPage({ viewport });
  await page.goto(`${twilioUrl}/?phone=${encodeURIComponent(phone)}`);
  await page.getByTestId("connection").filter({ hasText: "live" }).waitFor();
  return page;
}

export async function type(page: Page, text: string): Promise<void> {
  await page.getByTestId("composer").fill(text);
  await page.getByTestId("composer").press("Enter");
  // The user's own bubble appears once the emulator has posted it to the relay.
  await page.locator("[data-testid=message][data-direction=in]").filter({ hasText: text }).last().waitFor();
}

/** The relay's bubbles on this phone, in the order shown. */
export function replies(page: Page): Promise<string[]> {
  return page.locator("[data-testid=message][data-direction=out] [data-testid=message-body]").allTextContents();
}

export async function waitForReplies(page: Page, count: number, timeoutMs = 90_000): Promise<string[]> {
  await page.locator("[data-testid=message][data-direction=out]").nth(count - 1).waitFor({ timeout: timeoutMs });
  return replies(page);
}

export async function screenshot(page: Page, name: string): Promise<void> {
  const dir = join(REPO_ROOT, "test/artifacts/e2e");
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `${name}.png`) });
}
