// Launches headless Chromium for /shot (and for the simulator's browser tests and screenshots): no
// browser download, a fresh profile. Which binary is choice.ts's.
import { accessSync, constants } from "node:fs";
import { chromium, type Browser } from "playwright-core";
import { unpackBundledChromium, unpackBundledLibraries } from "./bundled";
import { chooseChromium } from "./choice";

/**
 * `--no-sandbox` always: these browsers only open the local simulator, and a sandbox needs a
 * setuid helper or unprivileged user namespaces, which root, many containers and the unpacked
 * npm binary do not have.
 */
const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** The bundled build, on a system without the libraries it links, gets the package's copies. */
async function launchBundled(executablePath: string): Promise<Browser> {
  try {
    return await chromium.launch({ executablePath, args: FLAGS });
  } catch (error) {
    if (!messageOf(error).includes("error while loading shared libraries")) throw error;
    const libraries = [await unpackBundledLibraries(), process.env.LD_LIBRARY_PATH].filter(Boolean).join(":");
    return chromium.launch({ executablePath, args: FLAGS, env: { ...process.env, LD_LIBRARY_PATH: libraries } });
  }
}

/**
 * Throws one line saying what to install when there is no browser, or when the one found does
 * not start. Playwright refuses a `--user-data-dir` argument with `launch()`; it gives every
 * launch a fresh temporary profile of its own and removes it on close, which is what we want.
 */
export async function launchChromium(): Promise<Browser> {
  const choice = chooseChromium({ env: process.env, platform: process.platform, arch: process.arch, exists: isExecutable });
  if (choice.kind === "missing") throw new Error(choice.message);
  const executablePath = choice.kind === "installed" ? choice.path : await unpackBundledChromium();
  try {
    return choice.kind === "installed" ? await chromium.launch({ executablePath, args: FLAGS }) : await launchBundled(executablePath);
  } catch (error) {
    const reason = messageOf(error).split("\n")[0];
    throw new Error(`Chromium at ${executablePath} did not start (${reason}): install Google Chrome or Chromium, or set CHROMIUM_PATH`, { cause: error });
  }
}
