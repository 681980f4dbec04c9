// `npm start`'s GitHub: the stand-in (emulator/github/) as a child with a sample repository, and
// the agent VM pointed at it (GITHUB_URL, GITHUB_API_BASE, GITHUB_TOKEN), so `/ship`, a CI failure
// and "Fix it" can be tried without an account. A GITHUB_TOKEN in the shell means the user's own
// GitHub: the VM keeps it, and the stand-in still runs for trying things. Pure.
import type { ChildSpec } from "./stack-children";

/** The sample repository's owner (the stack's account) and a second account that reviews. */
export const LOCAL_GITHUB = { owner: "acme", repo: "sample", reviewer: "reviewer" } as const;

export type GithubPlan = {
  /** The owner's token, new at each start. */
  token: string;
  reviewerToken: string;
  /** Where the bare repositories go: a directory of this start, removed at its end. */
  dataDir: string;
  /** False when the shell has a GITHUB_TOKEN of its own: the VM keeps that one. */
  vmUsesStandIn: boolean;
};

export function githubApiUrl(githubUrl: string): string {
  return `${githubUrl}/api/v3`;
}

/** The VM's settings for the stand-in (the contract's GITHUB_URL, GITHUB_API_BASE, GITHUB_TOKEN). */
export function githubVmEnv(plan: GithubPlan, githubUrl: string): Record<string, string> {
  if (!plan.vmUsesStandIn) return {};
  return { GITHUB_TOKEN: plan.token, GITHUB_URL: githubUrl, GITHUB_API_BASE: githubApiUrl(githubUrl) };
}

/** scripts/stack/github-stand-in.ts, its tokens in its environment (not its arguments, which `ps` shows). */
export function githubChild(input: { root: string; nodePath: string; host: string; port: number; url: string; baseEnv: Record<string, string>; plan: GithubPlan }): ChildSpec {
  return {
    name: "github",
    command: input.nodePath,
    args: ["--import", "tsx", "scripts/stack/github-stand-in.ts", "--port", String(input.port), "--host", input.host, "--data-dir", input.plan.dataDir],
    cwd: input.root,
    env: { ...input.baseEnv, GITHUB_STAND_IN_TOKEN: input.plan.token, GITHUB_STAND_IN_REVIEWER_TOKEN: input.plan.reviewerToken },
    // The stand-in's own control route: no token needed.
    readyUrl: `${input.url}/__github`,
  };
}

/** The sample repository: a module, its test and a package.json whose `npm test` runs it. */
export const SAMPLE_FILES: Readonly<Record<string, string>> = {
  "README.md": "# sample\n\nA repository of the local GitHub stand-in: ask the agent to change it, then `/ship`.\n",
  "package.json": `${JSON.stringify({ name: "sample", version: "1.0.0", private: true, type: "module", scripts: { test: "node --test" } }, null, 2)}\n`,
  "src/add.js": "export const add = (a, b) => a + b;\n",
  "test/add.test.js": 'import { test } from "node:test";\nimport assert from "node:assert/strict";\nimport { add } from "../src/add.js";\n\ntest("adds", () => {\n  assert.equal(add(2, 3), 5);\n});\n',
};
