// Each test file under test/worker sends from phones of its own. The files share the Twilio and VM
// stand-ins (and what they record by phone: `sentTo`, `vmRequests`), so two files on one phone read
// each other's messages and calls, which the suite's order can hide (it did: the wake's test counted
// a preview test's VM calls). Named apart: the admin number test-env.ts sets, and a number outside
// the allowlist (it never reaches an object, and is not recorded).
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";

const DIR = join(import.meta.dirname, "..", "worker");
/** Phones more than one file may name, and why. */
const SHARED = new Map([
  ["+15550000100", "ADMIN_SENDERS in test-env.ts"],
  ["+15559999999", "outside the allowlist: refused before any object or stand-in records it"],
]);

/** The files that name each phone (test files only; helpers and test-env.ts declare, they do not send). */
function phonesByFile(files: ReadonlyArray<{ name: string; text: string }>): Map<string, string[]> {
  const byPhone = new Map<string, string[]>();
  for (const { name, text } of files) {
    for (const phone of new Set(text.match(/\+1555\d{7}/g) ?? [])) byPhone.set(phone, [...(byPhone.get(phone) ?? []), name]);
  }
  return byPhone;
}

it("finds a phone two files name", () => {
  const found = phonesByFile([
    { name: "a.test.ts", text: 'const phone = "+15550000200"; // and "+15550000201"' },
    { name: "b.test.ts", text: 'sendInbound("+15550000200", "hi")' },
  ]);
  expect(found.get("+15550000200")).toEqual(["a.test.ts", "b.test.ts"]);
  expect(found.get("+15550000201")).toEqual(["a.test.ts"]);
});

it("no two test/worker files send from one phone", () => {
  const files = readdirSync(DIR)
    .filter((name) => name.endsWith(".test.ts"))
    .map((name) => ({ name, text: readFileSync(join(DIR, name), "utf8") }));
  expect(files.length).toBeGreaterThan(50);
  const shared = [...phonesByFile(files)].filter(([phone, names]) => names.length > 1 && !SHARED.has(phone)).map(([phone, names]) => `${phone}: ${names.join(", ")}`);
  expect(shared).toEqual([]);
});
