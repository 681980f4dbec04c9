// Cleanup steps: newest first, each once, all of them even when one fails.
import { expect, it } from "vitest";
import { createTeardowns } from "../teardowns";

it("runs every step newest first, goes on past a failure, and reports it", async () => {
  const ran: string[] = [];
  const teardowns = createTeardowns();
  teardowns.add("directory", () => void ran.push("directory"));
  teardowns.add("processes", async () => {
    ran.push("processes");
    throw new Error("still running");
  });
  teardowns.add("poll", () => void ran.push("poll"));
  expect(await teardowns.runAll()).toEqual(["processes: still running"]);
  expect(ran).toEqual(["poll", "processes", "directory"]);
});

it("runs a step once, even when asked twice at the same time", async () => {
  let runs = 0;
  const teardowns = createTeardowns();
  teardowns.add("stack", async () => {
    runs++;
    await new Promise((resolve) => setTimeout(resolve, 20));
  });
  await Promise.all([teardowns.runAll(), teardowns.runAll()]);
  await teardowns.runAll();
  expect(runs).toBe(1);
});

it("runs steps added after a first cleanup on the next one", async () => {
  const ran: string[] = [];
  const teardowns = createTeardowns();
  await teardowns.runAll();
  teardowns.add("late", () => void ran.push("late"));
  await teardowns.runAll();
  expect(ran).toEqual(["late"]);
});
