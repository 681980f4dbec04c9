// A test file whose set-up fails after its stack started (a browser that cannot start, as when
// two wrangler dev process groups once outlived `npm test`) leaves no process and no clone behind
// once its resources are released, whether the stack was still starting or already answering.
import { existsSync, readdirSync, readlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it, onTestFinished, vi } from "vitest";
import { launchChromium } from "../../emulator/tools/chromium";
import { descendantsOf, isAlive, readProcessTable } from "../../emulator/tools/process-tree";
import { createResources, type Resources } from "../helpers/resources";
import { eventually } from "./helpers/emulator-api";
import { startE2eStack, type E2eStack } from "./helpers/e2e-stack";

const LABEL = "failed-setup";
const NO_BROWSER = "CHROMIUM_PATH=/nonexistent/chromium is not an executable";

const clones = () => readdirSync(tmpdir()).filter((name) => name.startsWith(`relay-${LABEL}-`));

/** Every process this test file started, however deep: the stack's children and what they started. */
const ourProcesses = async () => descendantsOf([process.pid], await readProcessTable());

type Setting = { resources: Resources; seen: Set<number>; clonesBefore: string[] };

/** Last resort, should releasing itself be broken: whatever still runs inside one of this file's clones (Linux). */
function killLeftovers(seen: Set<number>): void {
  for (const pid of seen) {
    try {
      if (readlinkSync(`/proc/${pid}/cwd`).startsWith(join(tmpdir(), `relay-${LABEL}-`))) process.kill(pid, "SIGKILL");
    } catch {
      // Gone already.
    }
  }
}

/**
 * A browser that cannot start, and resources released when the test ends whatever happened,
 * then any leftover killed, so this test leaks nothing even when it fails.
 */
function failingSetting(): Setting {
  vi.stubEnv("CHROMIUM_PATH", "/nonexistent/chromium");
  const setting = { resources: createResources(), seen: new Set<number>(), clonesBefore: clones() };
  onTestFinished(() => killLeftovers(setting.seen));
  onTestFinished(() => setting.resources.releaseAll());
  onTestFinished(() => {
    vi.unstubAllEnvs();
  });
  return setting;
}

async function note(seen: Set<number>): Promise<number> {
  const running = await ourProcesses();
  running.forEach((pid) => seen.add(pid));
  return running.length;
}

async function expectNothingLeft({ seen, clonesBefore }: Setting): Promise<void> {
  await eventually("every process to end", async () => ([...seen].some(isAlive) ? undefined : true), 30_000);
  expect([...seen].filter(isAlive)).toEqual([]);
  expect(clones().filter((name) => !clonesBefore.includes(name))).toEqual([]);
}

it("the browser fails while the stack is still starting: releasing stops the stack and removes its clone", async () => {
  const setting = failingSetting();
  const { resources } = setting;
  const browser = (async () => {
    // Launched once the stack's children run (four, and `ps`), well before they answer.
    await eventually("the stack's children", async () => ((await note(setting.seen)) >= 5 ? true : undefined));
    return launchChromium();
  })();

  // A file's beforeAll, as the browser tests have it; useResources() then releases in afterAll.
  const setUp = Promise.all([startE2eStack(LABEL, resources), resources.track(browser, (b) => b.close())]);
  await expect(setUp).rejects.toThrow(NO_BROWSER);
  await note(setting.seen);
  expect(clones().length).toBeGreaterThan(setting.clonesBefore.length);
  await resources.releaseAll();

  await expectNothingLeft(setting);
});

it("the browser fails after the stack answered: releasing stops the stack and removes its clone", async () => {
  const setting = failingSetting();
  const { resources } = setting;
  let stack: E2eStack | undefined;

  const setUp = async () => {
    stack = await startE2eStack(LABEL, resources);
    await note(setting.seen);
    resources.track(await launchChromium(), (b) => b.close());
  };
  await expect(setUp()).rejects.toThrow(NO_BROWSER);
  expect((await fetch(`${stack!.urls.worker}/health`)).status).toBe(200);
  await resources.releaseAll();

  await expectNothingLeft(setting);
  expect(existsSync(stack!.root)).toBe(false);
});
