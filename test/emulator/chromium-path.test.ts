// Which browser the browser tests run: CHROMIUM_PATH, an installed Chrome or Chromium, the npm
// package's Linux x64 build, or a one-line failure that says what to install.
import { expect, it } from "vitest";
import { chooseChromium, type ChromiumChoice } from "../../vm/src/shots/chromium/choice";

const NONE = "No Chromium found: install Google Chrome or Chromium, or set CHROMIUM_PATH (the one @sparticuz/chromium ships runs on Linux x64 only)";
const MAC_CHROME = "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome";
const MAC_CHROMIUM = "/Applications/Chromium.app/Contents/MacOS/Chromium";

const cases: Array<{ name: string; platform: NodeJS.Platform; arch?: string; env?: string; files: string[]; expected: ChromiumChoice }> = [
  { name: "CHROMIUM_PATH first", platform: "linux", env: "/opt/chrome/chrome", files: ["/opt/chrome/chrome", "/usr/bin/chromium"], expected: { kind: "installed", path: "/opt/chrome/chrome" } },
  {
    name: "a CHROMIUM_PATH that is not there fails instead of falling back",
    platform: "linux",
    env: "/opt/nothing",
    files: ["/usr/bin/chromium"],
    expected: { kind: "missing", message: "CHROMIUM_PATH=/opt/nothing is not an executable: install Google Chrome or Chromium, or set CHROMIUM_PATH" },
  },
  { name: "Debian's chromium", platform: "linux", files: ["/usr/bin/chromium", "/usr/bin/google-chrome"], expected: { kind: "installed", path: "/usr/bin/chromium" } },
  { name: "Ubuntu's chromium-browser", platform: "linux", files: ["/usr/bin/chromium-browser"], expected: { kind: "installed", path: "/usr/bin/chromium-browser" } },
  { name: "Google Chrome on Linux", platform: "linux", files: ["/usr/bin/google-chrome-stable"], expected: { kind: "installed", path: "/usr/bin/google-chrome-stable" } },
  { name: "nothing installed on Linux x64: the npm package's build", platform: "linux", files: [], expected: { kind: "bundled" } },
  { name: "nothing installed on Linux arm64: the package has no build for it", platform: "linux", arch: "arm64", files: [], expected: { kind: "missing", message: NONE } },
  { name: "Chrome on macOS", platform: "darwin", arch: "arm64", files: [MAC_CHROMIUM, MAC_CHROME], expected: { kind: "installed", path: MAC_CHROME } },
  { name: "Chromium on macOS", platform: "darwin", arch: "arm64", files: [MAC_CHROMIUM], expected: { kind: "installed", path: MAC_CHROMIUM } },
  { name: "macOS without Chrome, even on x64", platform: "darwin", files: ["/usr/bin/chromium"], expected: { kind: "missing", message: NONE } },
  { name: "Windows without CHROMIUM_PATH", platform: "win32", files: [], expected: { kind: "missing", message: NONE } },
];

it.each(cases)("$name", ({ platform, arch = "x64", env, files, expected }) => {
  const choice = chooseChromium({ env: { CHROMIUM_PATH: env }, platform, arch, exists: (path) => files.includes(path) });
  expect(choice).toEqual(expected);
});

it("says what to install in one line", () => {
  const choice = chooseChromium({ env: {}, platform: "darwin", arch: "arm64", exists: () => false });
  expect(choice.kind === "missing" && choice.message.split("\n")).toEqual([NONE]);
});
