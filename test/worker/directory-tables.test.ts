// The UserDirectory is composed with the table groups other capabilities declare
// (directory/directory-tables.ts): each group's RPCs become the object's methods, and a name served
// twice (by two groups, or by a group and the directory itself) is refused when the class is made.
import { expect, it } from "vitest";
import type { DirectoryTables } from "../../src/directory/directory-tables";
import { userDirectoryWith } from "../../src/directory/user-directory";

const group = (name: string) => ({ open: () => null, rpcs: { [name]: (_opened: null) => name } }) satisfies DirectoryTables;

it("puts each group's RPCs on the class's prototype, where Workers RPC finds them", () => {
  const composed = userDirectoryWith({ a: group("servedByA"), b: group("servedByB") });
  expect(Object.hasOwn(composed.prototype, "servedByA") && Object.hasOwn(composed.prototype, "servedByB")).toBe(true);
});

it("refuses a name two groups serve, and one the directory serves itself", () => {
  expect(() => userDirectoryWith({ a: group("clash"), b: group("clash") })).toThrow("directory table group b: clash is served already");
  expect(() => userDirectoryWith({ a: group("homeOf") })).toThrow("directory table group a: homeOf is served already");
});
