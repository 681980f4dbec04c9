// The registry that test set-ups track what they start in: released newest first, all of it even
// when a release throws, promises waited for, and a set-up still under way stopped when it tracks late.
import { expect, it } from "vitest";
import { createResources, SetupAbandonedError } from "../helpers/resources";

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

it("releases newest first, runs every release even when one throws, then reports the failure", async () => {
  const resources = createResources();
  const released: string[] = [];
  resources.track("clone", (name) => released.push(name));
  resources.track("stack", () => {
    throw new Error("stack would not stop");
  });
  resources.track("browser", (name) => released.push(name));
  await expect(resources.releaseAll()).rejects.toThrow("stack would not stop");
  expect(released).toEqual(["browser", "clone"]);
  // Released once: a second call has nothing left to do.
  await resources.releaseAll();
  expect(released).toEqual(["browser", "clone"]);
});

it("waits for a tracked promise: its value is released if it fulfils, nothing if it rejects", async () => {
  const resources = createResources();
  const released: string[] = [];
  let finishLaunch!: (value: string) => void;
  const launching = resources.track(new Promise<string>((resolve) => (finishLaunch = resolve)), (name) => released.push(name));
  const failed = resources.track(Promise.reject(new Error("no browser")), () => released.push("never"));
  await expect(failed).rejects.toThrow("no browser");
  const releasing = resources.releaseAll();
  await tick();
  expect(released).toEqual([]);
  finishLaunch("browser");
  await releasing;
  expect(await launching).toBe("browser");
  expect(released).toEqual(["browser"]);
});

it("a set-up still under way when releasing begins is waited for, and what it starts late is released at once", async () => {
  const resources = createResources();
  const released: string[] = [];
  let startedLate: unknown = null;
  // A stack start whose first part (a port look-up) is still running when the browser fails.
  const setUp = resources.track(
    (async () => {
      await tick();
      resources.track("clone", (name) => released.push(name));
      startedLate = "stack";
    })(),
  );
  const releasing = resources.releaseAll();
  await expect(setUp).rejects.toBeInstanceOf(SetupAbandonedError);
  await releasing;
  expect(released).toEqual(["clone"]);
  expect(startedLate).toBe(null);
});

it("a resource tracked after releasing ended is released at once, and tracking it throws", async () => {
  const resources = createResources();
  await resources.releaseAll();
  const released: string[] = [];
  expect(() => resources.track("late stack", (name) => released.push(name))).toThrow(SetupAbandonedError);
  await expect.poll(() => released).toEqual(["late stack"]);
});
