// Which Chromium the browser tests and screenshot tools run: CHROMIUM_PATH, else an installed
// Chrome or Chromium, else the one the @sparticuz/chromium package ships. Pure: the host is passed in.

const INSTALL = "install Google Chrome or Chromium, or set CHROMIUM_PATH";

/** Where Chrome and Chromium install themselves, in the order tried. */
export const SYSTEM_CHROMIUM: Readonly<Partial<Record<NodeJS.Platform, readonly string[]>>> = {
  linux: ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome", "/usr/bin/google-chrome-stable"],
  darwin: ["/Applications/Google Chrome.app/Contents/MacOS/Google Chrome", "/Applications/Chromium.app/Contents/MacOS/Chromium"],
};

export type ChromiumHost = {
  env: { CHROMIUM_PATH?: string | undefined };
  platform: NodeJS.Platform;
  arch: string;
  /** Whether an executable file is at this path. */
  exists: (path: string) => boolean;
};

export type ChromiumChoice =
  | { kind: "installed"; path: string }
  /** @sparticuz/chromium's binary, a Linux x64 build: the npm package ships no other. */
  | { kind: "bundled" }
  | { kind: "missing"; message: string };

export function chooseChromium(host: ChromiumHost): ChromiumChoice {
  const wanted = host.env.CHROMIUM_PATH;
  if (wanted) {
    // Set on purpose, so a wrong value is an error rather than a reason to try something else.
    return host.exists(wanted) ? { kind: "installed", path: wanted } : { kind: "missing", message: `CHROMIUM_PATH=${wanted} is not an executable: ${INSTALL}` };
  }
  const installed = (SYSTEM_CHROMIUM[host.platform] ?? []).find((path) => host.exists(path));
  if (installed) return { kind: "installed", path: installed };
  if (host.platform === "linux" && host.arch === "x64") return { kind: "bundled" };
  return { kind: "missing", message: `No Chromium found: ${INSTALL} (the one @sparticuz/chromium ships runs on Linux x64 only)` };
}
