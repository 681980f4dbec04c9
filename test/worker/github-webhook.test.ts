import { expect, it } from "vitest";
import { ask, bodies, eventually, sentTo } from "./helpers";
import { deliver, deliveriesOf, payloads, shippedPr, watch, watchDoor } from "./github-helpers";

const phone = "+15550000261";
const other = "+15550000262";

it("/github watch answers with the webhook's URL, a secret and the events to tick; /github lists; another user's watch is refused; unwatch ends it", async () => {
  const reply = await ask(phone, "/github watch acme/watched");
  expect(reply).toMatch(/^• Payload URL: https:\/\/relay\.example\.test\/github\/webhook\/[A-Za-z0-9_-]{40,}$/m);
  expect(reply).toMatch(/Secret: [0-9a-f]{64}/);
  expect(reply).toContain("Pull requests");
  expect(reply).toContain("Check suites");
  expect(await ask(phone, "/github")).toBe("GitHub repositories you watch:\n• acme/watched\n/github unwatch owner/repo stops one.");
  expect(await ask(other, "/github watch Acme/Watched")).toBe("Acme/Watched is watched by another user of this relay: one user per repository. Nothing changed.");
  // The secret is not shown again.
  expect(await ask(phone, "/github")).not.toMatch(/[0-9a-f]{64}/);
  // Watching again gives a new secret: the old one no longer signs.
  const old = /Secret: ([0-9a-f]{64})/.exec(reply)![1]!;
  const renewed = await watch(phone, "acme/watched");
  expect(renewed).not.toBe(old);
  expect((await deliver("pull_request", payloads.closed("acme/watched", 1, true), old)).status).toBe(401);
  expect((await deliver("pull_request", payloads.closed("acme/watched", 1, true), renewed)).status).toBe(202);
  expect(await ask(phone, "/github unwatch acme/watched")).toContain("Stopped watching acme/watched");
  expect(await ask(phone, "/github")).toBe("You watch no GitHub repository. /github watch owner/repo sets one up.");
  expect((await deliver("pull_request", payloads.closed("acme/watched", 2, true), renewed)).status).toBe(401);
});

it("checks the signature against the repository's secret: missing, wrong or for another body gets 401 with nothing stored; right gets 202; ping 200", async () => {
  const secret = await watch(phone, "acme/signed");
  const before = await deliveriesOf(phone);
  const event = payloads.closed("acme/signed", 99, true);
  expect((await deliver("pull_request", event, null)).status).toBe(401);
  expect((await deliver("pull_request", event, "wrong-secret")).status).toBe(401);
  expect((await deliver("pull_request", event, `sha256=${"0".repeat(64)}`)).status).toBe(401);
  expect(await deliveriesOf(phone)).toEqual(before);
  expect((await deliver("ping", { zen: "Keep it logically awesome.", repository: { full_name: "acme/signed" } }, secret)).status).toBe(200);
  expect(await deliveriesOf(phone)).toEqual(before);
  const ok = await deliver("pull_request", event, secret);
  expect(ok.status).toBe(202);
  const after = await deliveriesOf(phone);
  expect(after).toHaveLength(before.length + 1);
  expect(after).toContainEqual({ delivery: ok.delivery, event: "pull_request" });
});

it("takes GitHub's form encoding too (payload=…), signed over the form body", async () => {
  const secret = await watch(other, "acme/form");
  const sent = await deliver("pull_request", payloads.closed("acme/form", 3, false), secret, { form: true });
  expect(sent.status).toBe(202);
  expect((await deliveriesOf(other)).map((d) => d.delivery)).toContain(sent.delivery);
});

it("a delivery through a watch's door naming another repository gets 401, one naming none 400, with nothing stored", async () => {
  const secret = await watch(other, "acme/known");
  const before = await deliveriesOf(other);
  expect((await deliver("pull_request", payloads.closed("acme/unknown", 1, true), secret)).status).toBe(401);
  expect((await deliver("issues", { action: "opened" }, secret)).status).toBe(400);
  expect((await deliver("pull_request", payloads.closed("acme/known", 1, true), "anything")).status).toBe(401);
  expect(await deliveriesOf(other)).toEqual(before);
});

it("the bare /github/webhook and a door that does not open get 401 with nothing stored, however signed", async () => {
  const { url, secret } = await watchDoor(phone, "acme/doors");
  const before = await deliveriesOf(phone);
  const event = payloads.closed("acme/doors", 1, true);
  const door = url.split("/").at(-1)!;
  const altered = door.slice(0, 10) + (door[10] === "A" ? "B" : "A") + door.slice(11);
  for (const target of ["https://relay.example.test/github/webhook", `https://relay.example.test/github/webhook/${altered}`, `https://relay.example.test/github/webhook/${"A".repeat(60)}`]) {
    expect((await deliver("pull_request", event, secret, { url: target })).status).toBe(401);
  }
  expect(await deliveriesOf(phone)).toEqual(before);
  expect((await deliver("pull_request", event, secret, { url })).status).toBe(202);
});

it("malformed bodies are refused with nothing stored, none with a 5xx", async () => {
  const secret = await watch(phone, "acme/malformed");
  const before = await deliveriesOf(phone);
  const cases: [string, { body?: string; delivery?: string }, unknown][] = [
    ["not JSON", { body: "{not json" }, null],
    ["JSON that is no object", { body: "[1, 2]" }, null],
    ["over 1 MiB", { body: JSON.stringify({ repository: { full_name: "acme/malformed" }, pad: "x".repeat(1024 * 1024) }) }, null],
    ["a check run without its fields", {}, { action: "completed", repository: { full_name: "acme/malformed" }, check_run: { status: 3 } }],
    ["a delivery id that is not one", { delivery: "../../etc" }, payloads.closed("acme/malformed", 1, true)],
  ];
  for (const [why, o, payload] of cases) {
    const { status } = await deliver(why === "a check run without its fields" ? "check_run" : "pull_request", payload, secret, o);
    expect({ why, status: status >= 400 && status < 500 }).toEqual({ why, status: true });
  }
  expect(await deliveriesOf(phone)).toEqual(before);
});

it("the same delivery twice has one effect", async () => {
  const secret = await watch(phone, "acme/twice");
  await shippedPr(phone, "acme/twice", 5);
  const first = await deliver("pull_request", payloads.closed("acme/twice", 5, true), secret);
  const again = await deliver("pull_request", payloads.closed("acme/twice", 5, true), secret, { delivery: first.delivery });
  expect([first.status, again.status]).toEqual([202, 200]);
  await eventually(async () => bodies(await sentTo(phone)).includes("🎉 acme/twice#5 (@main) was merged."));
  expect(bodies(await sentTo(phone)).filter((b) => b?.includes("acme/twice#5"))).toHaveLength(1);
  expect((await deliveriesOf(phone)).filter((d) => d.delivery === first.delivery)).toHaveLength(1);
});

it("events of pull requests the relay did not open are stored as seen and say nothing", async () => {
  const secret = await watch(other, "acme/foreign");
  const before = (await sentTo(other)).length;
  expect((await deliver("check_suite", payloads.checkSuite("acme/foreign", 77, "failure"), secret)).status).toBe(202);
  expect((await deliver("pull_request", payloads.closed("acme/foreign", 77, true), secret)).status).toBe(202);
  expect((await deliveriesOf(other)).map((d) => d.event)).toEqual(expect.arrayContaining(["check_suite", "pull_request"]));
  // A message sent after them is the next thing the user hears.
  expect(await ask(other, "/github")).toContain("acme/foreign");
  expect((await sentTo(other)).length).toBe(before + 1);
});
