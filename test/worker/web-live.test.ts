// The page's live part, through the object's hibernating WebSockets: a run's events reach an open
// page numbered and in order; a page that reconnects after the object was evicted mid-run asks from
// its last number and gets every event once; /web of a conversation with a run going opens at it.
import { exports } from "cloudflare:workers";
import { evictDurableObject, runDurableObjectAlarm } from "cloudflare:test";
import { afterEach, describe, expect, it } from "vitest";
import { ask, eventually, query, releaseVm, sendInbound, stubFor } from "./helpers";
import { TEST_PUBLIC_URL } from "./test-env";
import { closeAll, eventsWhen, LINK, mustOpen, type PageSocket } from "./web-live-helpers";

const phone = "+15550000280";
const opened: PageSocket[] = [];
afterEach(() => closeAll(opened.splice(0)));

const runOpen = async () => (await query<{ n: number }>(phone, "SELECT count(*) AS n FROM runs WHERE outcome IS NULL"))[0]!.n > 0;
const storedEvents = () => query<{ seq: number; body: string }>(phone, "SELECT seq, body FROM live_events ORDER BY seq");

describe("the page's live part", () => {
  it("streams a run's events in order, numbered; a page reconnecting after an eviction mid-run gets each event once", async () => {
    await sendInbound(phone, "watch me work [[vm:hold]] [[vm:progress 3 20]]");
    // The run is going and has shown its first line ("Thinking").
    await eventually(async () => (await runOpen()) && (await storedEvents()).length >= 1);

    const reply = await ask(phone, "/web");
    const match = LINK.exec(reply);
    expect(match?.[2], reply).toBe("#live");
    const path = match![1]!;
    const html = await (await exports.default.fetch(new Request(`${TEST_PUBLIC_URL}${path}`))).text();
    expect(html).toContain('<section class="live" id="live"');
    expect(html).toContain('<script src="/web/live.js" defer="">');
    expect(html).toContain("Thinking");
    const since = Number(/data-since="(\d+)"/.exec(html)?.[1]);
    expect(since).toBeGreaterThanOrEqual(1);

    // A page opened now: told it may act (a fresh link), then nothing it already has.
    const first = await mustOpen(`${path}/live?since=${since}`);
    opened.push(first);
    await eventually(async () => first.messages.length >= 1);
    expect(first.messages[0]).toMatchObject({ type: "hello", canAct: true, note: null });
    expect(first.events()).toEqual([]);

    // The page goes away (a network change); the object is evicted; the run goes on meanwhile.
    first.ws.close(1000, "network change");
    await evictDurableObject(stubFor(phone));
    await releaseVm(phone);
    await runDurableObjectAlarm(stubFor(phone));
    await eventually(async () => !(await runOpen()));

    // It reconnects from its last number: every later event once, in order, numbered one after another.
    const again = await mustOpen(`${path}/live?since=${since}`);
    opened.push(again);
    const events = await eventsWhen(again, (e) => e.some((m) => m.kind === "end"));
    expect(events.map((e) => [e.kind, e.text])).toEqual([
      ["tool", "Running: step 1"],
      ["tool", "Editing src/file2.ts"],
      ["tool", "Running: step 3"],
      ["text", "echo: watch me work [[vm:hold]] [[vm:progress 3 20]]"],
      ["end", "The run is over: its reply went to the chat."],
    ]);
    const seqs = events.map((e) => e.seq!);
    expect(seqs).toEqual(seqs.map((_, i) => since + 1 + i));
    // The rows say the same: nothing of the run was stored twice, whatever was read again.
    const bodies = (await storedEvents()).flatMap((r) => [JSON.parse(r.body) as { text: string } | { text: string }[]].flat().map((b) => b.text));
    expect(new Set(bodies).size).toBe(bodies.length);

    // A page that has everything gets nothing more.
    const whole = await mustOpen(`${path}/live?since=${seqs.at(-1)}`);
    opened.push(whole);
    await eventually(async () => whole.messages.length >= 1);
    expect(whole.events()).toEqual([]);
  });

  it("a page opened with no run going has its live part hidden (a run that starts shows it), and no live part without JavaScript", async () => {
    const quiet = "+15550000295";
    expect(await ask(quiet, "hello")).toBe("echo: hello");
    const reply = await ask(quiet, "/web");
    const match = LINK.exec(reply);
    expect(match?.[2]).toBeUndefined();
    const html = await (await exports.default.fetch(new Request(`${TEST_PUBLIC_URL}${match![1]}`))).text();
    expect(html).toMatch(/<section class="live" id="live"[^>]* data-running="0" hidden="">/);
    expect(html).toContain('<script src="/web/live.js" defer="">');
  });
});
