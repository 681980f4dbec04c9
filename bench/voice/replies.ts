// Representative replies of a coding agent, as a user driving would hear them: a short answer,
// a fix with a path and a link, one with code, a failure, and a long report the cap summarises.
const lines = (n: number, line: (i: number) => string): string => Array.from({ length: n }, (_, i) => line(i + 1)).join("\n");

export const REPRESENTATIVE_REPLIES: readonly { name: string; text: string }[] = [
  { name: "short answer", text: "Done. The tests pass." },
  { name: "a fix with a path and a link", text: "I fixed the flaky test in `api/src/retry/retry.test.ts`: the timer was never cleared. Commit 3f9a2b7c1d is pushed; the PR is https://github.com/acme/api/pull/12." },
  { name: "a change with code", text: "I added a retry to the fetch in `src/client.ts`:\n\n```ts\nfor (let i = 0; i < 3; i++) {\n  try { return await fetch(url); } catch { await sleep(2 ** i * 100); }\n}\n```\n\nThree attempts, with backoff. Should I add a test for it?" },
  { name: "a failure", text: "The build failed: `tsc` reports 2 errors in `src/routes/users.ts` (line 41: `Property 'email' does not exist on type 'User'`). I have not changed anything yet. Do you want me to add the field to the User type?" },
  { name: "a long report", text: `Here is what I did today.\n\n${lines(30, (i) => `- Step ${i}: I updated the handler for route number ${i} so that it validates its input and returns a clear error.`)}\n\nAll 214 tests pass. Should I open a pull request?` },
];
