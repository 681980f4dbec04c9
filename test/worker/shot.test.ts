// /shot: a picture of the conversation's preview through the media path, as wide as asked (read
// from the PNG's IHDR as the user's phone gets it); a clear line when nothing is served, and a
// path that is a web address refused before the VM is asked.
import { env, exports } from "cloudflare:workers";
import { expect, it } from "vitest";
import { ask, eventually, sendInbound, sentTo } from "./helpers";

const phone = "+15550000213";
const serve = (workspace: string, ports: number[]) => fetch(`${env.VM_URL}/__stand-in/preview`, { method: "POST", body: JSON.stringify({ userId: phone, workspace, ports }) });

/** The width in the IHDR of the picture a message carries, fetched from its media link as Twilio would. */
async function widthOfPicture(url: string): Promise<number> {
  const res = await exports.default.fetch(new Request(url));
  expect(res.status).toBe(200);
  const png = new Uint8Array(await res.arrayBuffer());
  expect(new TextDecoder().decode(png.subarray(1, 4))).toBe("PNG");
  return new DataView(png.buffer, png.byteOffset).getUint32(16);
}

async function shot(text: string) {
  const before = (await sentTo(phone)).length;
  await sendInbound(phone, text);
  return eventually(async () => (await sentTo(phone))[before]);
}

it("sends the preview at 390 px, at 1280 px with wide, and says when there is nothing to draw", async () => {
  expect(await ask(phone, "/shot")).toBe("main serves nothing to take a picture of: ask the agent to serve the app, or start it with /preview.");
  expect(await ask(phone, "/shot https://example.com/")).toMatch(/^\/shot takes a path on the preview's server, such as \/pricing, not a web address\./);

  await serve("main", [5173]);
  const phoneWidth = await shot("/shot");
  expect(phoneWidth.body).toBe("main's preview, / at 390 px");
  expect(phoneWidth.media).toHaveLength(1);
  expect(await widthOfPicture(phoneWidth.media[0]!.url)).toBe(390);

  const wide = await shot("/shot wide /pricing");
  expect(wide.body).toBe("main's preview, /pricing at 1280 px");
  expect(await widthOfPicture(wide.media[0]!.url)).toBe(1280);
});
