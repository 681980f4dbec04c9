// The Chromium `/shot` runs (chromium/: an installed Chrome or Chromium, or the build
// @sparticuz/chromium ships, with the libraries it packs where the system lacks them; the browser
// tests use the same), loaded only when the first picture is asked for.
import { readdirSync, readFileSync } from "node:fs";
import type { LaunchedBrowser } from "./shooter";

/** This process's children now (Linux `/proc`; empty elsewhere). */
function childPids(): Set<number> {
  const children = new Set<number>();
  let entries: string[] = [];
  try {
    entries = readdirSync("/proc").filter((name) => /^\d+$/.test(name));
  } catch {
    return children;
  }
  for (const name of entries) {
    try {
      // `pid (comm) state ppid …`: comm may hold spaces, so read after its closing parenthesis.
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === process.pid) children.add(Number(name));
    } catch {
      // Gone between the listing and the read.
    }
  }
  return children;
}

/** Launches it and names its process: the child of this process that was not there before. */
export async function launchShotBrowser(): Promise<LaunchedBrowser> {
  const before = childPids();
  // Loaded on the first picture only: playwright-core is not parsed by a VM that never draws.
  const { launchChromium } = await import("./chromium/launch");
  const browser = await launchChromium();
  const fresh = [...childPids()].filter((pid) => !before.has(pid));
  return { browser, pid: fresh.length === 1 ? (fresh[0] as number) : null };
}
