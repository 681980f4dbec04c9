// How many pages may watch at once (LIVE_PAGES_PER_LINK 5, LIVE_PAGES_PER_USER 20 by default): a
// sixth page of one link closes that link's oldest, told why; a page past the phone's twenty
// closes the oldest of any link. Each page gets only what it lacks, then word that it has caught up.
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it } from "vitest";
import { deriveWebLinkKey } from "../../src/web/web-token";
import { issueWebLink } from "../../src/web/web-links";
import { ask, eventually } from "./helpers";
import { TEST_AUTH_TOKEN } from "./test-env";
import { closeAll, mustOpen, type PageSocket } from "./web-live-helpers";

const phone = "+15550000273";
const opened: PageSocket[] = [];
afterEach(() => closeAll(opened.splice(0)));

/** A fresh link to every conversation of the phone, as /web all makes one. */
async function newLink(): Promise<string> {
  const key = await deriveWebLinkKey(TEST_AUTH_TOKEN);
  return `/web/${await issueWebLink(env, key, { object: env.PHONE_AGENT.idFromName(phone).toString(), scope: { kind: "all" }, epoch: 0, expiresAt: Date.now() + 3_600_000 })}`;
}

/** A page of `path`, open and caught up, with the reason it was closed, if it was. */
type Page = PageSocket & { reason: () => string | null };

async function page(path: string, since = 0): Promise<Page> {
  // Apart in time: "oldest" is by when a page opened.
  await new Promise((resolve) => setTimeout(resolve, 5));
  const socket = await mustOpen(`${path}/live?since=${since}`);
  let reason: string | null = null;
  socket.ws.addEventListener("close", (e) => (reason = e.reason));
  opened.push(socket);
  await eventually(async () => socket.messages.some((m) => m.type === "caught_up"));
  return { ...socket, reason: () => reason };
}

describe("the live pages' caps", () => {
  it("closes the oldest page of a link past five, and the oldest of any link past twenty, each told why", async () => {
    expect(await ask(phone, "hello")).toBe("echo: hello");
    const a = await newLink();
    const pagesOfA: Page[] = [];
    for (let i = 0; i < 5; i++) pagesOfA.push(await page(a));
    expect(pagesOfA.map((p) => p.closed())).toEqual([null, null, null, null, null]);

    // A sixth page of the same link: the first closes, saying why; the other five stay.
    pagesOfA.push(await page(a));
    expect(await eventually(async () => pagesOfA[0]!.closed())).toBe(4008);
    expect(pagesOfA[0]!.reason()).toBe("this link is open on more than 5 pages");
    expect(pagesOfA.slice(1).map((p) => p.closed())).toEqual([null, null, null, null, null]);

    // Three more links, five pages each: twenty open. One more, of a fifth link: the oldest of all goes.
    const others: Page[] = [];
    for (const link of [await newLink(), await newLink(), await newLink()]) for (let i = 0; i < 5; i++) others.push(await page(link));
    expect([...pagesOfA.slice(1), ...others].every((p) => p.closed() === null)).toBe(true);
    const newest = await page(await newLink());
    expect(await eventually(async () => pagesOfA[1]!.closed())).toBe(4009);
    expect(pagesOfA[1]!.reason()).toBe("your links are open on more than 20 pages");
    expect([...pagesOfA.slice(2), ...others, newest].every((p) => p.closed() === null)).toBe(true);
  });

  it("sends a page only the events after the last one it names, then says it has caught up", async () => {
    const path = await newLink();
    const whole = await page(path, 0);
    const events = whole.events();
    expect(events.length).toBeGreaterThanOrEqual(2);
    expect(whole.messages.at(-1)).toEqual({ type: "caught_up", upTo: events.at(-1)!.seq });

    const behind = await page(path, events[0]!.seq!);
    expect(behind.events().map((e) => e.seq)).toEqual(events.slice(1).map((e) => e.seq));
    expect(behind.messages.at(-1)).toEqual({ type: "caught_up", upTo: events.at(-1)!.seq });
    const current = await page(path, events.at(-1)!.seq!);
    expect(current.events()).toEqual([]);
    expect(current.messages.map((m) => m.type)).toEqual(["hello", "caught_up"]);
  });
});
