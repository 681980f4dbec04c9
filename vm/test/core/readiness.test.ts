// What stops a VM from running an agent, from its start's facts: a line each, a name for /health,
// and the reason a run is refused with when no run could get past it.
import { expect, it } from "vitest";
import { credentialsIn, readinessProblems, refusalOf, type ReadinessFacts } from "../../src/core/readiness";

const ALL_WORK = { chown: null, fowner: null, read: null, switch: null, kill: null };

const cases: Array<{ name: string; facts: ReadinessFacts; names: string[]; refuses: string | null }> = [
  { name: "a key, agents as the server's user", facts: { credentials: ["ANTHROPIC_API_KEY"], machine: null }, names: [], refuses: null },
  { name: "a token, root with every capability", facts: { credentials: ["CLAUDE_CODE_OAUTH_TOKEN"], machine: ALL_WORK }, names: [], refuses: null },
  { name: "no credential at all", facts: { credentials: [], machine: null }, names: ["ANTHROPIC_API_KEY"], refuses: null },
  {
    name: "Docker's default set without the entrypoint's fallback: no CAP_DAC_READ_SEARCH",
    facts: { credentials: ["ANTHROPIC_API_KEY"], machine: { ...ALL_WORK, read: "EACCES" } },
    names: ["CAP_DAC_READ_SEARCH"],
    refuses: "missing_capabilities",
  },
  {
    name: "--cap-drop ALL and no key: each its own line",
    facts: { credentials: [], machine: { chown: "EPERM", fowner: null, read: null, switch: "EPERM", kill: "EPERM" } },
    names: ["ANTHROPIC_API_KEY", "CAP_CHOWN", "CAP_SETUID/CAP_SETGID", "CAP_KILL"],
    refuses: "missing_capabilities",
  },
];

it.each(cases)("$name", ({ facts, names, refuses }) => {
  const problems = readinessProblems(facts);
  expect(problems.map((p) => p.name)).toEqual(names);
  expect(refusalOf(problems)?.refuses ?? null).toBe(refuses);
  for (const p of problems) expect(p.message).toContain(p.name);
});

it("names a missing capability, the error it met and what the server needed it for", () => {
  const [problem] = readinessProblems({ credentials: ["ANTHROPIC_API_KEY"], machine: { ...ALL_WORK, read: "EACCES" } });
  expect(problem?.message).toBe(
    "CAP_DAC_READ_SEARCH is missing (tried: EACCES): the server runs as root but cannot read its agents' directories (checkpoints, staged files, /ship); grant it to the container (docs/vm.md, capabilities) or set AGENT_UIDS=off",
  );
});

it("reads credential names only, and an empty value is none", () => {
  expect(credentialsIn({ ANTHROPIC_API_KEY: "", CLAUDE_CODE_OAUTH_TOKEN: "tok-123", ANTHROPIC_BASE_URL: "http://127.0.0.1:9" })).toEqual(["CLAUDE_CODE_OAUTH_TOKEN"]);
  expect(credentialsIn({ ANTHROPIC_AUTH_TOKEN: " " })).toEqual([]);
});
