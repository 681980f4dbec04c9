// A conversation's page opened before any run of it: its live part is there but hidden, and its
// socket, open with no run going, gets each run that starts afterwards: the start first, then every
// event numbered one after another from what the page had, nothing twice. No reload.
import { exports } from "cloudflare:workers";
import { afterEach, describe, expect, it } from "vitest";
import { ask, eventually, query, sendInbound } from "./helpers";
import { TEST_PUBLIC_URL } from "./test-env";
import { closeAll, eventsWhen, LINK, mustOpen, type PageSocket } from "./web-live-helpers";

const phone = "+15550000232";
const opened: PageSocket[] = [];
afterEach(() => closeAll(opened.splice(0)));

const openRuns = async () => (await query<{ n: number }>(phone, "SELECT count(*) AS n FROM runs WHERE outcome IS NULL"))[0]!.n;

describe("a page opened before its conversation's run", () => {
  it("gets the run's events once it starts, numbered from the page's own, each once, and the next run's too", async () => {
    expect(await ask(phone, "hello")).toBe("echo: hello");
    expect(await openRuns()).toBe(0);
    const reply = await ask(phone, "/web");
    const match = LINK.exec(reply);
    // No run going: the link does not open at the live part.
    expect(match?.[2], reply).toBeUndefined();
    const path = match![1]!;
    const html = await (await exports.default.fetch(new Request(`${TEST_PUBLIC_URL}${path}`))).text();
    // The live part is on the page, hidden until a run starts, and its script is loaded.
    expect(html).toMatch(/<section class="live" id="live" data-live="[^"]+" data-since="\d+" data-running="0" hidden="">/);
    expect(html).toContain('<script src="/web/live.js" defer="">');
    const since = Number(/data-since="(\d+)"/.exec(html)?.[1]);

    const page = await mustOpen(`${path}/live?since=${since}`);
    opened.push(page);
    await eventually(async () => page.messages.length >= 1);
    expect(page.messages[0]).toMatchObject({ type: "hello", canAct: true });
    expect(page.events()).toEqual([]);

    // A run of the conversation starts after the page opened: the open socket gets it, start to end.
    await sendInbound(phone, "work now [[vm:progress 2 20]]");
    const first = await eventsWhen(page, (e) => e.some((m) => m.kind === "end"));
    expect(first.map((e) => [e.kind, e.text])).toEqual([
      ["start", "A run started: what it does shows here as it happens."],
      ["tool", "Thinking"],
      ["tool", "Running: step 1"],
      ["tool", "Editing src/file2.ts"],
      ["text", "echo: work now [[vm:progress 2 20]]"],
      ["end", "The run is over: its reply went to the chat."],
    ]);
    const seqs = first.map((e) => e.seq!);
    expect(seqs).toEqual(seqs.map((_, i) => since + 1 + i));

    // And the run after it, on the same socket, carrying on from the same numbers.
    await sendInbound(phone, "and again");
    const all = await eventsWhen(page, (e) => e.filter((m) => m.kind === "end").length === 2);
    const second = all.slice(first.length).map((e) => e.kind);
    expect([second[0], ...second.slice(-2)]).toEqual(["start", "text", "end"]);
    const allSeqs = all.map((e) => e.seq!);
    expect(allSeqs).toEqual(allSeqs.map((_, i) => since + 1 + i));
    // Each run's start was stored once (the first "hello"'s too, before the page).
    const starts = await query<{ run_id: string; n: number }>(phone, "SELECT run_id, count(*) AS n FROM live_events WHERE json_extract(body, '$.kind') = 'start' GROUP BY run_id");
    expect(starts.map((r) => r.n)).toEqual([1, 1, 1]);
  });
});
