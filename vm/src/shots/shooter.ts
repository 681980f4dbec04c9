// `/shot`'s browser: one headless Chromium, started on the first picture and closed after
// `idleMs` without one, so an idle VM carries no browser (docs/vm.md, "Pictures of the preview").
// The page may load only the preview's own origin: every other request is aborted, so a page
// cannot make the VM fetch elsewhere (another port, the VM's routes, the network).
import type { Browser } from "playwright-core";

/** A started browser and its process id (null when it cannot be known), for the memory figures and the idle stop's test. */
export type LaunchedBrowser = { browser: Browser; pid: number | null };

export type ShooterOptions = {
  launch: () => Promise<LaunchedBrowser>;
  /** Closed after this long with no picture being taken. */
  idleMs: number;
  /** A picture not taken by then fails: a page that never loads holds nothing. */
  deadlineMs: number;
  /** Full page, cut at this height: a page that grows forever still gives a picture. */
  maxHeight: number;
};

export type Shooter = {
  /**
   * A PNG of `http://<address>:<port><path>` at `width` CSS px (scale 1). `address`: 127.0.0.1, or
   * the user's network namespace's own, whose loopback it leads to (users/user-netns.ts).
   */
  shoot(port: number, path: string, width: number, address?: string): Promise<Buffer>;
  /** Closes the browser now (the VM's exit, tests). */
  stop(): Promise<void>;
  /** The browser's process id while it runs, for the memory figures and the test of the idle stop. */
  browserPid(): number | null;
};

/** Only the preview's own origin: `http://<address>:<port>`, any path. */
export function isPreviewRequest(url: string, port: number, address = "127.0.0.1"): boolean {
  try {
    const u = new URL(url);
    return u.protocol === "http:" && u.hostname === address && u.port === String(port);
  } catch {
    return false;
  }
}

export function createShooter(options: ShooterOptions): Shooter {
  let browser: Promise<Browser> | null = null;
  let pid: number | null = null;
  let busy = 0;
  let idleTimer: NodeJS.Timeout | null = null;

  const close = async () => {
    if (idleTimer) clearTimeout(idleTimer);
    idleTimer = null;
    const open = browser;
    browser = null;
    pid = null;
    if (open) await (await open.catch(() => null))?.close().catch(() => undefined);
  };
  const armIdle = () => {
    if (idleTimer) clearTimeout(idleTimer);
    idleTimer = busy === 0 && browser ? setTimeout(() => void close(), options.idleMs) : null;
    idleTimer?.unref();
  };
  const started = (): Promise<Browser> => {
    if (!browser) {
      browser = options.launch().then((launched) => {
        pid = launched.pid;
        return launched.browser;
      });
      browser.catch(() => (browser = null));
    }
    return browser;
  };

  const take = async (port: number, path: string, width: number, address: string): Promise<Buffer> => {
    const context = await (await started()).newContext({ viewport: { width, height: 844 }, deviceScaleFactor: 1, serviceWorkers: "block" });
    try {
      await context.route("**/*", (route) => (isPreviewRequest(route.request().url(), port, address) ? route.continue() : route.abort("blockedbyclient")));
      const page = await context.newPage();
      await page.goto(`http://${address}:${port}${path}`, { waitUntil: "load", timeout: options.deadlineMs });
      const height = Math.min(options.maxHeight, await page.evaluate(() => document.documentElement.scrollHeight));
      return await page.screenshot({ type: "png", fullPage: true, clip: { x: 0, y: 0, width, height: Math.max(1, height) }, timeout: options.deadlineMs });
    } finally {
      await context.close().catch(() => undefined);
    }
  };

  return {
    async shoot(port, path, width, address = "127.0.0.1") {
      busy += 1;
      if (idleTimer) clearTimeout(idleTimer);
      let deadline: NodeJS.Timeout | undefined;
      try {
        return await Promise.race([
          take(port, path, width, address),
          new Promise<never>((_, reject) => {
            deadline = setTimeout(() => reject(new Error(`the page did not load within ${options.deadlineMs / 1000} s`)), options.deadlineMs);
          }),
        ]);
      } finally {
        clearTimeout(deadline);
        busy -= 1;
        armIdle();
      }
    },
    stop: close,
    browserPid: () => pid,
  };
}
