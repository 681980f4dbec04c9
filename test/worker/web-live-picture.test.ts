// An edit's question on the live page comes with its picture, as the chat got it: the page's event
// says so, the page shows it under its own link, and that address opens only with the page's link
// (an altered or revoked link, another conversation's link, an approval without a picture: 404).
import { exports } from "cloudflare:workers";
import { afterEach, describe, expect, it } from "vitest";
import { bodies, eventually, query, sendInbound, sentTo } from "./helpers";
import { STAND_IN_PNG } from "../stand-ins/vm-stand-in-types";
import { TEST_PUBLIC_URL } from "./test-env";
import { closeAll, eventsWhen, LINK, mustOpen, type PageSocket } from "./web-live-helpers";

const phone = "+15550000298";
const runOpen = async () => (await query<{ n: number }>(phone, "SELECT count(*) AS n FROM runs WHERE outcome IS NULL"))[0]!.n > 0;
const opened: PageSocket[] = [];
afterEach(async () => {
  closeAll(opened.splice(0));
  // A test cut short leaves no run waiting on the VM stand-in for an answer.
  if (await runOpen()) {
    await sendInbound(phone, "/stop all");
    await eventually(async () => !(await runOpen()));
  }
});

const get = (path: string) => exports.default.fetch(new Request(`${TEST_PUBLIC_URL}${path}`));
/** Sends `text` and waits for the first message after it that matches. */
async function answerTo(text: string, pattern: RegExp): Promise<string> {
  const before = (await sentTo(phone)).length;
  await sendInbound(phone, text);
  return eventually(async () => bodies((await sentTo(phone)).slice(before)).find((b) => pattern.test(b ?? "")) ?? undefined);
}
const linkNow = async () => LINK.exec(await answerTo("/web", /\/web\//))![1]!;

describe("an approval's picture on the live page", () => {
  it("is shown under the page's link, and refused without it", async () => {
    await sendInbound(phone, "write the notes [[vm:approval-edit Write notes.txt 2]]");
    await eventually(async () => bodies(await sentTo(phone)).some((b) => b?.startsWith("🔐")));
    const path = await linkNow();
    const socket = await mustOpen(`${path}/live`);
    opened.push(socket);
    const [approval] = (await eventsWhen(socket, (e) => e.some((m) => m.kind === "approval"))).filter((m) => m.kind === "approval");
    expect(approval).toMatchObject({ picture: true });
    const approvalId = approval!.approvalId!;
    const picture = `${path}/live/picture/${approvalId}`;

    // Shown once: its words (the summary, no hunk, the tool named once), the picture, and the diff as text folded under it.
    expect(approval!.text).toBe("notes.txt: new file, +2");
    expect(approval!.text).not.toMatch(/@@|\n/);
    // The page made now shows it the same way, the picture at that address.
    const html = await (await get(path)).text();
    expect(html).toContain(`<img class="live-picture" src="${picture}" alt="The edit, drawn as the chat&#39;s picture"/><details class="live-fold"><summary>The edit as text</summary><pre class="live-diff">`);
    const served = await get(picture);
    expect(served.status).toBe(200);
    expect(served.headers.get("content-type")).toBe("image/png");
    expect(served.headers.get("cache-control")).toBe("no-store");
    expect(new Uint8Array(await served.arrayBuffer())).toEqual(STAND_IN_PNG);

    // An altered link, a number that is not an approval: the page's plain 404.
    const token = path.slice("/web/".length);
    const altered = `/web/${token.slice(0, -1)}${token.endsWith("A") ? "B" : "A"}`;
    expect((await get(`${altered}/live/picture/${approvalId}`)).status).toBe(404);
    expect((await get(`${path}/live/picture/${approvalId + 1}`)).status).toBe(404);
    expect((await get(`${path}/live/picture/x1`)).status).toBe(404);

    // A question without an edit has no picture: its event says none, its address is a 404.
    expect(await answerTo("no", /^🚫 Denied/)).toContain("Denied");
    await eventually(async () => !(await runOpen()));
    await sendInbound(phone, "[[vm:approval Bash make]]");
    const plain = (await eventsWhen(socket, (e) => e.filter((m) => m.kind === "approval").length === 2)).filter((m) => m.kind === "approval")[1]!;
    expect(plain).not.toHaveProperty("picture");
    expect((await get(`${path}/live/picture/${plain.approvalId}`)).status).toBe(404);
    expect(await answerTo("no", /^🚫 Denied/)).toContain("Denied");
    await eventually(async () => !(await runOpen()));

    // Another conversation's link does not open this conversation's picture.
    await answerTo("/new other", /other/);
    const other = await linkNow();
    expect((await get(`${other}/live/picture/${approvalId}`)).status).toBe(404);

    // A revoked link no longer opens it.
    await answerTo("/web revoke", /./);
    expect((await get(picture)).status).toBe(404);
  });
});
