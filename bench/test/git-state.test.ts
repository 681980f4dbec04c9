import { expect, it } from "vitest";
import { gitState } from "../lib/git-state";

it("names the commit the bench measured and counts uncommitted Worker files", () => {
  const state = gitState();
  // CI and developers run from a git checkout; an archive would give nulls, which is also valid.
  if (state.commit === null) return expect(state.uncommittedWorkerFiles).toBeNull();
  expect(state.commit).toMatch(/^[0-9a-f]{40}$/);
  expect(state.uncommittedWorkerFiles).toBeGreaterThanOrEqual(0);
});
