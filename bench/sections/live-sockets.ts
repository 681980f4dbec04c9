// 1,000 pages watching one run (docs/relay.md, "Watching a run live"): what the phone's object
// costs per event with 1,000 sockets open beside none, and workerd's memory with them. Under
// `wrangler dev` with the VM stand-in; the caps raised to 1,000 for the measurement
// (LIVE_PAGES_PER_LINK, LIVE_PAGES_PER_USER; by default 5 and 20). The sockets come from this
// process (lib/text-socket.ts) as the page's script opens its own: same origin, from its last event.
import { atLeast, info, judged } from "../lib/figures";
import { REPO_ROOT } from "../lib/paths";
import type { Section, SectionOptions, SectionOutcome } from "../lib/section";
import { withStackScope } from "../lib/stack-scope";
import { median, percentile } from "../lib/stats";
import { relayVars, startStandIns } from "../lib/stand-ins";
import { openTextSocket, type TextSocket } from "../lib/text-socket";
import { phoneSender, waitFor as waitForIn } from "../lib/phone-drive";
import { startWranglerDev, type WranglerDev } from "../lib/wrangler-dev";

const SECTION = "live-sockets";
const PHONE = "+15551239902";
const GAP_MS = 200;

export const LIVE_SOCKETS_DEFINITIONS = {
  cpuPerEvent: "workerd CPU ms (wrangler dev's process group, /proc) from sending a run of N stamped progress lines to its reply, divided by N; the same run with no socket open beside it; the difference is what the sockets add",
  memory: "workerd's resident memory (VmRSS, every workerd process of the group) before the sockets opened and once all were open and caught up",
  latency: "ms from the VM stand-in writing a progress line (its timestamp, in the line) to a socket receiving it, every socket's every line",
};

export const liveSocketsSection: Section = {
  name: SECTION,
  title: "the live page at scale: 1,000 open sockets on one run, the object's CPU per event and workerd's memory",
  run: runLiveSockets,
};

async function runLiveSockets({ quick, log }: SectionOptions): Promise<SectionOutcome> {
  const sockets = quick ? 200 : 1000;
  const events = quick ? 20 : 60;
  return withStackScope(SECTION, log, async (onClose) => {
    const standIns = await startStandIns();
    onClose("stand-ins", () => standIns.stop());
    const caps = { LIVE_PAGES_PER_LINK: String(sockets), LIVE_PAGES_PER_USER: String(sockets) };
    const relay = await startWranglerDev({ cwd: REPO_ROOT, varsFor: relayVars(standIns, [PHONE], caps) });
    onClose("wrangler dev", () => relay.stop());

    const send = phoneSender(relay.url, PHONE);
    const replies = async (prefix: string) => (await standIns.sentMessages()).filter((m) => (m.body ?? "").startsWith(prefix)).length;
    /** workerd's CPU over one run of `events` stamped lines, from its message to its reply. */
    const runCpu = async (label: string) => {
      const before = await replies("echo: [[vm:progress-stamped");
      const cpu = relay.cpu().workerdMs;
      await send(`[[vm:progress-stamped ${events} ${GAP_MS}]] ${label}`);
      await waitFor(`the ${label} run's reply`, async () => ((await replies("echo: [[vm:progress-stamped")) > before ? true : null), 120_000);
      return Math.round(relay.cpu().workerdMs - cpu);
    };

    await send("hello");
    await waitFor("the first reply", async () => ((await replies("echo: hello")) > 0 ? true : null));
    await send("/web");
    const link = await waitFor("the /web link", async () => (await standIns.sentMessages()).map((m) => /(http:\/\/\S+\/web\/[A-Za-z0-9_-]{22})/.exec(m.body ?? "")?.[1]).find(Boolean) ?? null);
    const cpuNone = await runCpu("no page");
    await settle();
    // The pages open as one made now: from its last event, so nothing of the first run is replayed.
    const since = /data-since="(\d+)"/.exec(await (await fetch(link)).text())?.[1] ?? "0";
    const rssBefore = relay.workerdRssKb();
    const opened = await openSockets(relay, new URL(link).pathname, since, sockets, log);
    onClose("sockets", async () => opened.all.forEach((s) => s.close()));
    await settle();
    const rssOpen = relay.workerdRssKb();
    const open = opened.all.filter((s) => s.closed() === null).length;
    log(`${open} of ${sockets} sockets open; workerd ${Math.round(rssBefore / 1024)} MB before, ${Math.round(rssOpen / 1024)} MB with them`);
    const cpuOpen = await runCpu(`${sockets} pages`);
    const received = opened.lags.length;
    log(`${received} stamped lines received; workerd CPU ${cpuOpen} ms for ${events} events with ${open} sockets, ${cpuNone} ms with none`);
    if (received === 0) throw new Error("no stamped event reached the sockets");

    const perEvent = (ms: number) => Math.round((ms / events) * 10) / 10;
    const added = (cpuOpen - cpuNone) / events;
    const figures = [
      judged(SECTION, "sockets open on one run", open, "", atLeast(sockets, ""), `of ${sockets} opened, caps raised to ${sockets}`),
      info(SECTION, `workerd CPU per event, ${open} sockets`, perEvent(cpuOpen), "ms", `a run of ${events} events, ${GAP_MS} ms apart`),
      info(SECTION, "workerd CPU per event, no socket", perEvent(cpuNone), "ms"),
      info(SECTION, "added CPU per event per socket", Math.round((added / Math.max(1, open)) * 1000), "µs", "(with − without) / events / sockets"),
      info(SECTION, "workerd memory, no socket", Math.round(rssBefore / 1024), "MB"),
      info(SECTION, `workerd memory, ${open} sockets`, Math.round(rssOpen / 1024), "MB"),
      info(SECTION, "memory per socket", Math.round(((rssOpen - rssBefore) / Math.max(1, open)) * 10) / 10, "kB"),
      info(SECTION, `VM event → each of ${open} pages, p50`, Math.round(median(opened.lags)), "ms"),
      info(SECTION, `VM event → each of ${open} pages, p99`, Math.round(percentile(opened.lags, 99)), "ms"),
      info(SECTION, "events received", received, "", `${open} sockets × ${events} lines: ${open * events}`),
    ];
    return { status: "ok", figures, details: { definitions: LIVE_SOCKETS_DEFINITIONS, sockets, open, events, cpuOpen, cpuNone, rssBefore, rssOpen } };
  });
}

/** `count` sockets at the page's live address, 50 opening at a time, each caught up; every stamped line's lag kept. */
async function openSockets(relay: WranglerDev, pagePath: string, since: string, count: number, log: (line: string) => void): Promise<{ all: TextSocket[]; lags: number[] }> {
  const all: TextSocket[] = [];
  const lags: number[] = [];
  const caughtUp = new Set<number>();
  const url = `${relay.url.replace(/^http/, "ws")}${pagePath}/live?since=${since}`;
  for (let start = 0; start < count; start += 50) {
    const batch = Array.from({ length: Math.min(50, count - start) }, (_, i) => start + i);
    all.push(
      ...(await Promise.all(
        batch.map((n) =>
          openTextSocket(url, { origin: relay.url }, (text) => {
            const message = JSON.parse(text) as { type?: string; text?: string };
            if (message.type === "caught_up") caughtUp.add(n);
            const at = / at (\d+)$/.exec(message.text ?? "");
            if (at) lags.push(Date.now() - Number(at[1]));
          }),
        ),
      )),
    );
  }
  try {
    await waitFor("every socket caught up", async () => (caughtUp.size === count ? true : null), 60_000);
  } catch (error) {
    const codes = all.map((s) => s.closed()).filter((c) => c !== null);
    log(`${caughtUp.size} of ${count} caught up; ${codes.length} closed (${[...new Set(codes)].join(", ")})`);
    throw error;
  }
  log(`${count} sockets open and caught up`);
  return { all, lags };
}

/** A few seconds for the runtime to finish what the last step left (closes, a run's end, GC). */
const settle = () => new Promise((resolve) => setTimeout(resolve, 3_000));

const waitFor = <T>(what: string, check: () => Promise<T | null>, timeoutMs?: number) => waitForIn(SECTION, what, check, timeoutMs);
