// The page watching a run live (docs/relay.md, "Watching a run live"): from the VM's event to a
// page's socket, and the PhoneAgent's CPU while 100 pages watch and nothing happens. Under
// `wrangler dev` with the VM stand-in, whose progress lines say when they were sent
// (`[[vm:progress-stamped N MS]]`); 100 sockets opened by one real Chromium page at the link the
// user got, as the page's script opens its own. The same host clock stamps and receives.
import type { Browser } from "playwright-core";
import { launchChromium } from "../../emulator/tools/chromium";
import { atMost, info, judged } from "../lib/figures";
import { REPO_ROOT } from "../lib/paths";
import type { Section, SectionOptions, SectionOutcome } from "../lib/section";
import { withStackScope } from "../lib/stack-scope";
import { median, percentile } from "../lib/stats";
import { relayVars, startStandIns } from "../lib/stand-ins";
import { phoneSender, waitFor as waitForIn } from "../lib/phone-drive";
import { startWranglerDev } from "../lib/wrangler-dev";

const SECTION = "live-page";
const PHONE = "+15551239901";
const SOCKETS = 100;

export const LIVE_PAGE_DEFINITIONS = {
  latency: "ms from the VM stand-in writing a progress line (its own timestamp, in the line) to a socket receiving it, over every line after all 100 sockets were open: one run of 60 lines 150 ms apart (quick: 20); 'one page' is the first socket's, 'each' every socket's",
  idleCpu: "workerd CPU ms (wrangler dev's process group, /proc) over 10 s with the run over and 100 sockets open and quiet, beside 10 s with none open",
};

export const livePageSection: Section = {
  name: SECTION,
  title: "the live page: the VM's event to 100 open pages (p50, p99), and the object's CPU with 100 quiet sockets",
  run: runLivePage,
};

async function runLivePage({ quick, log }: SectionOptions): Promise<SectionOutcome> {
  return withStackScope(SECTION, log, async (onClose) => {
    const standIns = await startStandIns();
    onClose("stand-ins", () => standIns.stop());
    const relay = await startWranglerDev({ cwd: REPO_ROOT, varsFor: relayVars(standIns, [PHONE]) });
    onClose("wrangler dev", () => relay.stop());
    const browser: Browser = await launchChromium();
    onClose("chromium", () => browser.close());

    const send = phoneSender(relay.url, PHONE);
    const lines = quick ? 20 : 60;
    await send(`[[vm:progress-stamped ${lines} 150]] a long run to watch`);
    await send("/web");
    const link = await waitFor("the /web link", async () => {
      const found = (await standIns.sentMessages()).map((m) => /(http:\/\/\S+\/web\/[A-Za-z0-9_-]{22})#live/.exec(m.body ?? "")?.[1]).find(Boolean);
      return found ?? null;
    });
    const page = await browser.newPage();
    await page.goto(link);
    // 100 sockets as the page's script opens its own, each keeping (received − sent) per stamped line.
    await page.evaluate(
      ({ path, count }) => {
        const w = window as unknown as { lags: [number, number][]; sockets: WebSocket[] };
        w.lags = [];
        w.sockets = [];
        // From what the page has: the lines already shown are not sent again.
        const since = document.querySelector<HTMLElement>("#live")?.dataset.since ?? "0";
        for (let i = 0; i < count; i++) {
          const ws = new WebSocket(`ws://${location.host}${path}/live?since=${since}`);
          ws.onmessage = (m) => {
            const at = / at (\d+)$/.exec((JSON.parse(String(m.data)) as { text?: string }).text ?? "");
            if (at) w.lags.push([i, Date.now() - Number(at[1])]);
          };
          w.sockets.push(ws);
        }
      },
      { path: new URL(link).pathname, count: SOCKETS },
    );
    await waitFor("every socket open", () => page.evaluate(() => (window as unknown as { sockets: WebSocket[] }).sockets.every((s) => s.readyState === 1) || null));
    log(`${SOCKETS} sockets open; waiting for the run to end`);
    await waitFor("the run's reply", async () => ((await standIns.sentMessages()).some((m) => (m.body ?? "").startsWith("echo: [[vm:progress-stamped")) ? true : null), 120_000);
    const received = await page.evaluate(() => (window as unknown as { lags: [number, number][] }).lags);
    const lags = received.map(([, lag]) => lag);
    // One page alone (the first socket): what a user watching sees, beside the 100 together.
    const first = received.filter(([socket]) => socket === 0).map(([, lag]) => lag);

    // Quiet: the run is over, 100 sockets open, nothing flows; then the same time with none.
    const idleMs = 10_000;
    const quietOpen = await cpuOver(relay, idleMs);
    await page.evaluate(() => (window as unknown as { sockets: WebSocket[] }).sockets.forEach((s) => s.close()));
    await page.close();
    // The closes handled first: what is measured next is the quiet object alone.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const quietNone = await cpuOver(relay, idleMs);
    log(`${lags.length} samples; workerd CPU over ${idleMs / 1000} s: ${quietOpen} ms with ${SOCKETS} sockets, ${quietNone} ms with none`);
    if (first.length === 0) throw new Error("no stamped event reached the sockets");
    const figures = [
      judged(SECTION, "VM event → one page of 100, p50", Math.round(median(first)), "ms", atMost(1000, " ms"), "the issue's 1 s"),
      info(SECTION, "VM event → one page of 100, p99", Math.round(percentile(first, 99)), "ms"),
      info(SECTION, "VM event → each of 100 pages, p50", Math.round(median(lags)), "ms", "every socket's every line"),
      info(SECTION, "VM event → each of 100 pages, p99", Math.round(percentile(lags, 99)), "ms"),
      info(SECTION, "events received", lags.length, "", `${SOCKETS} sockets × the lines after they opened`),
      judged(SECTION, `workerd CPU, 10 s, ${SOCKETS} quiet sockets`, quietOpen, "ms", atMost(quietNone + 50, " ms"), `none open: ${quietNone} ms`),
      info(SECTION, "workerd CPU, 10 s, no socket", quietNone, "ms"),
    ];
    return { status: "ok", figures, details: { definitions: LIVE_PAGE_DEFINITIONS, lags } };
  });
}

/** workerd's CPU over `ms` of wall time (wrangler dev's group, from /proc). */
async function cpuOver(relay: { cpu(): { workerdMs: number } }, ms: number): Promise<number> {
  const before = relay.cpu().workerdMs;
  await new Promise((resolve) => setTimeout(resolve, ms));
  return Math.round(relay.cpu().workerdMs - before);
}

const waitFor = <T>(what: string, check: () => Promise<T | null>, timeoutMs?: number) => waitForIn(SECTION, what, check, timeoutMs);
