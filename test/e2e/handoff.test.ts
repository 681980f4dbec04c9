// /handoff end to end: the whole stack (wrangler dev, the VM with the real Claude Code CLI on the
// offline model, the emulator) and a laptop of its own (a temporary HOME, a directory with spaces
// in its path, the real CLI). The first conversation, not a repository, goes there and back, and
// the SessionStart hook its agent wrote runs on neither side. Then a conversation makes a commit and an uncommitted edit and
// remembers a word; the line /handoff answers, run with `sh -eu`, leaves the branch, the edit and
// the session there, and `claude -p --resume <id>` on the laptop sends the earlier turns; /handoff
// new then brings that laptop repository and session back as a new conversation that resumes it.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { resolveClaudeBin } from "../../vm/src/claude-bin";
import { resumeLine, shQuote } from "../../src/handoff/handoff-scripts";
import { useResources } from "../helpers/resources";
import { sentTo } from "./helpers/emulator-api";
import { PHONES, startE2eStack, type E2eStack } from "./helpers/e2e-stack";
import { postInbound } from "./helpers/signed-inbound";
import { nextMessage } from "./helpers/emulator-api";

const PHONE = PHONES[2];
let stack: E2eStack;
const resources = useResources();
const laptop = mkdtempSync(join(tmpdir(), "handoff laptop "));
afterAll(() => rmSync(laptop, { recursive: true, force: true }));

beforeAll(async () => {
  stack = await startE2eStack("handoff", resources);
});

const send = async (text: string) => expect((await postInbound(stack, PHONE, text)).status).toBe(200);
const sent = () => sentTo(stack.urls.twilio, PHONE);

/** A child run to its end (this process serves nothing it talks to, but a shell line may take a while). */
function run(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { ...options, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString("utf8")));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString("utf8")));
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}
const git = async (cwd: string, ...args: string[]) => (await run("git", args, { cwd, env: { PATH: process.env.PATH, HOME: join(laptop, "home") } })).stdout.trim();
/** The laptop's CLI on the stack's offline model (no traffic but the model's: this sandbox has no network). */
const modelEnv = () => ({ ANTHROPIC_BASE_URL: stack.urls.model, ANTHROPIC_API_KEY: "offline", CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1" });
/** The laptop's shell: its own HOME, no system git config. */
const laptopEnv = () => ({ PATH: process.env.PATH, HOME: join(laptop, "home"), GIT_CONFIG_NOSYSTEM: "1" });

/** `/handoff` sent, and its line run as pasted (the script under `sh -eu`) in `here`. */
async function handOffTo(here: string, seen: number) {
  await send("/handoff");
  const { message, seen: after } = await nextMessage("the hand-off line", sent, seen, (b) => b.includes("| sh"));
  const line = /```\n(curl -sS \S+ \| sh)\n```/.exec(message.body ?? "")?.[1];
  expect(line).toBeTruthy();
  mkdirSync(join(laptop, "home"), { recursive: true });
  mkdirSync(here, { recursive: true });
  const ran = await run("sh", ["-eu", "-c", line!.replace(/\| sh$/, "| sh -eu")], { cwd: here, env: laptopEnv() });
  return { ran, reply: message.body ?? "", seen: after };
}

it("the first conversation, not a repository, goes to the laptop and back; the agent's SessionStart hook never runs there", async () => {
  let seen = (await sent()).length;
  await send("/approvals off");
  ({ seen } = await nextMessage("approvals off", sent, seen, (b) => /off/i.test(b)));
  const mark = join(laptop, "hook ran");
  const settings = JSON.stringify({ hooks: { SessionStart: [{ hooks: [{ type: "command", command: `touch "${mark}"` }] }] } });
  const write = `printf 'hello\\n' > notes.txt && mkdir -p .claude && printf '%s' '${settings}' > .claude/settings.json && echo written`;
  await send(`[[tool Bash ${JSON.stringify({ command: write })}]] write`);
  ({ seen } = await nextMessage("the write's answer", sent, seen, (b) => b.includes("The Bash tool answered") && b.includes("written")));
  await send("remember the word plum");
  ({ seen } = await nextMessage("the word's answer", sent, seen, (b) => b.includes("You said: «remember the word plum»")));

  const here = join(laptop, "main copy");
  const env = laptopEnv();
  const out = await handOffTo(here, seen);
  const ran = out.ran;
  expect(ran.stderr).toBe("");
  expect(ran.status).toBe(0);
  expect(ran.stdout).toContain("(the conversation's files, as a new repository)");
  // The stack runs the offline model: the reply and the script name what the laptop's claude needs,
  // and a fresh HOME gets the CLI's first-run answers (onboarding done, that key approved).
  expect(out.reply).toContain(`the laptop's claude reaches it with ANTHROPIC_BASE_URL=${stack.urls.model} and ANTHROPIC_API_KEY=offline-model`);
  expect(ran.stdout).toContain(`export ANTHROPIC_BASE_URL='${stack.urls.model}' ANTHROPIC_API_KEY='offline-model'`);
  expect(JSON.parse(readFileSync(join(laptop, "home", ".claude.json"), "utf8"))).toEqual({ hasCompletedOnboarding: true, customApiKeyResponses: { approved: ["offline-model"], rejected: [] } });
  const exported = /^export ANTHROPIC_BASE_URL='([^']+)' ANTHROPIC_API_KEY='([^']+)'$/m.exec(ran.stdout);
  const printed = { ANTHROPIC_BASE_URL: exported![1]!, ANTHROPIC_API_KEY: exported![2]!, CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1" };
  expect(ran.stdout).toContain("Set aside, written on the phone (read them; rename to use): .claude/settings.json.from-phone");
  const resume = ran.stdout.trim().split("\n").at(-1) ?? "";
  expect(resume).toBe(resumeLine(/ --resume ([0-9a-f-]{36})$/.exec(resume)?.[1] ?? "no id"));
  expect(readFileSync(join(here, "notes.txt"), "utf8")).toBe("hello\n");
  expect(await git(here, "status", "--porcelain")).toBe("");

  // The printed line, as typed, with a turn: the phone's turns are there, and the hook ran nowhere,
  // not even with the agent's settings put back under the name the CLI reads.
  const claude = resolveClaudeBin()!;
  /** The printed line as a shell runs it when pasted, with `-p` and a prompt after it. */
  const pasted = (prompt: string) => run("sh", ["-c", `${resume.replace(/^claude /, `${shQuote(claude)} `)} -p ${shQuote(prompt)}`], { cwd: here, env: { ...env, ...printed } });
  const first = await pasted("which word?");
  expect(first.stdout).toContain("«remember the word plum»");
  renameSync(join(here, ".claude", "settings.json.from-phone"), join(here, ".claude", "settings.json"));
  const again = await pasted("and again?");
  expect(again.stdout).toContain("[offline model] You said: «and again?»");
  expect(existsSync(mark)).toBe(false);
  // The same CLI without the flag runs it: the check above can see a hook that ran.
  await run(claude, ["-p", "hi"], { cwd: here, env: { ...env, ...printed } });
  expect(existsSync(mark)).toBe(true);
  rmSync(mark);
  renameSync(join(here, ".claude", "settings.json"), join(here, ".claude", "settings.json.from-phone"));

  // The laptop's edit goes back into the folder, which stays a folder; the session goes on there.
  writeFileSync(join(here, "notes.txt"), "hello\nfrom the laptop\n");
  await send("/handoff back");
  const back = await nextMessage("the hand-back line", sent, seen, (b) => b.includes("bring it back") && b.includes("| sh"));
  seen = back.seen;
  const backLine = /```\n(curl -sS \S+ \| sh)\n```/.exec(back.message.body ?? "")?.[1];
  const sentBack = await run("sh", ["-eu", "-c", backLine!.replace(/\| sh$/, "| sh -eu")], { cwd: here, env });
  expect(sentBack.stderr).toBe("");
  expect(sentBack.stdout).toMatch(/“main” is back from the laptop: 2 new turns, branch main at [0-9a-f]{7}, 1 file changed/);
  ({ seen } = await nextMessage("the back notice", sent, seen, (b) => b.includes("back from the laptop")));
  const look = "cat notes.txt .claude/settings.json && ls -a";
  await send(`[[tool Bash ${JSON.stringify({ command: look })}]] look`);
  const answer = await nextMessage("the look's answer", sent, seen, (b) => b.includes("The Bash tool answered"));
  expect(answer.message.body).toContain("from the laptop");
  expect(answer.message.body).toContain("SessionStart");
  expect(answer.message.body).not.toContain("from-phone");
  expect(answer.message.body).not.toMatch(/^\.git$/m);
  await send("and the word?");
  const word = await nextMessage("the word", sent, answer.seen, (b) => b.includes("You said: «and the word?»"));
  expect(word.message.body).toContain("«which word?»");
  expect(word.message.body).toContain("«remember the word plum»");
  // The hand-back is a change like a run's: its line came after the notice, and /diff shows it.
  expect((await sent()).some((m) => (m.body ?? "").startsWith("1 file changed, +1 −0"))).toBe(true);
  await send("/diff");
  const diff = await nextMessage("/diff", sent, word.seen, (b) => b.includes("the laptop's work (/handoff back)"));
  expect(diff.message.body).toContain("notes.txt");
  // The tests below work in a conversation of their own.
  await send("/new api");
  await nextMessage("/new api", sent, diff.seen, (b) => b.includes("api"));
});

it("takes the conversation to a laptop: branch, commit, uncommitted edit and the session, which the laptop's CLI resumes", async () => {
  let seen = (await sent()).length;
  await send("/approvals off");
  ({ seen } = await nextMessage("approvals off", sent, seen, (b) => /off/i.test(b)));
  const setup = "git init -q -b fix-flaky && printf 'one\\n' > a.txt && git add a.txt && git -c user.name=T -c user.email=t@example.com commit -qm first && printf 'two\\n' >> a.txt && echo done";
  await send(`[[tool Bash ${JSON.stringify({ command: setup })}]] set up`);
  ({ seen } = await nextMessage("the setup's answer", sent, seen, (b) => b.includes("The Bash tool answered") && b.includes("done")));
  await send("remember the word apricot");
  ({ seen } = await nextMessage("the word's answer", sent, seen, (b) => b.includes("You said: «remember the word apricot»")));

  const here = join(laptop, "my projects", "api copy");
  const env = laptopEnv();
  const { ran } = await handOffTo(here, seen);
  expect(ran.stderr).toBe("");
  expect(ran.status).toBe(0);
  const resume = ran.stdout.trim().split("\n").at(-1) ?? "";
  const sessionId = / --resume ([0-9a-f-]{36})$/.exec(resume)?.[1];
  expect(sessionId).toBeTruthy();
  expect(resume).toBe(resumeLine(sessionId!));

  expect(await git(here, "symbolic-ref", "--short", "HEAD")).toBe("fix-flaky");
  expect(await git(here, "log", "--format=%s")).toBe("first");
  expect(readFileSync(join(here, "a.txt"), "utf8")).toBe("one\ntwo\n");
  expect(await git(here, "status", "--porcelain")).toBe("M a.txt");

  // The laptop's own CLI, on the same offline model: the request it sends holds the phone's turns.
  const claude = resolveClaudeBin();
  expect(claude).toBeTruthy();
  const resumed = await run(claude!, ["-p", "--resume", sessionId!, "which word?"], {
    cwd: here,
    env: { ...env, ANTHROPIC_BASE_URL: stack.urls.model, ANTHROPIC_API_KEY: "offline", CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1" },
  });
  expect(resumed.stdout).toContain("[offline model] You said: «which word?»");
  expect(resumed.stdout).toContain("This conversation has 3 user messages");
  expect(resumed.stdout).toContain("«remember the word apricot»");

  // The phone is told, and /status says where the conversation is.
  ({ seen } = await nextMessage("the hand-off notice", sent, 0, (b) => b.includes("went to your laptop")));
  await send("/status");
  ({ seen } = await nextMessage("/status", sent, seen, (b) => b.includes("is on your laptop since")));

  // Work on the laptop: a commit, an edit left uncommitted, a new file; then /handoff back's line.
  await run("sh", ["-euc", "printf 'three\\n' >> a.txt && git -c user.name=L -c user.email=l@example.com commit -qam 'laptop commit' && printf 'four (laptop, not committed)\\n' >> a.txt && echo new > 'b file.txt'"], { cwd: here, env });
  expect(await git(here, "log", "--format=%s")).toBe("laptop commit\nfirst");
  await send("/handoff back");
  const back = await nextMessage("the hand-back line", sent, seen, (b) => b.includes("bring it back") && b.includes("| sh"));
  seen = back.seen;
  const backLine = /```\n(curl -sS \S+ \| sh)\n```/.exec(back.message.body ?? "")?.[1];
  expect(backLine).toBeTruthy();
  const sentBack = await run("sh", ["-eu", "-c", backLine!.replace(/\| sh$/, "| sh -eu")], { cwd: here, env });
  expect(sentBack.stderr + sentBack.stdout).not.toContain("handoff:");
  expect(sentBack.stderr).toBe("");
  expect(sentBack.status).toBe(0);
  expect(sentBack.stdout).toMatch(/back from the laptop: 1 new turn, branch fix-flaky at [0-9a-f]{7}, 2 files changed/);
  ({ seen } = await nextMessage("the back notice", sent, seen, (b) => b.includes("back from the laptop")));
  await send("/status");
  ({ seen } = await nextMessage("/status after", sent, seen, (b) => b.includes("Spend") || b.includes("spend") || b.length > 0));

  // The phone's next message goes on in the laptop's session, in a workspace with the laptop's commit and edit.
  const look = "git log --format=%s && cat a.txt 'b file.txt'";
  await send(`[[tool Bash ${JSON.stringify({ command: look })}]] and now?`);
  const answer = await nextMessage("the look's answer", sent, seen, (b) => b.includes("The Bash tool answered"));
  expect(answer.message.body).toContain("laptop commit");
  expect(answer.message.body).toContain("four (laptop, not committed)");
  expect(answer.message.body).toContain("new");
  await send("and the word?");
  const word = await nextMessage("the word", sent, answer.seen, (b) => b.includes("You said: «and the word?»"));
  expect(word.message.body).toContain("«which word?»");
  expect(word.message.body).toContain("«remember the word apricot»");
});

it("/handoff new: the laptop's repository and its newest session become a new conversation, which the next message resumes", async () => {
  // Goes on from the laptop the test above left: its repository (a commit, an edit, a new file) and its CLI's sessions.
  const home = join(laptop, "home");
  const here = join(laptop, "my projects", "api copy");
  const env = { PATH: process.env.PATH, HOME: home, GIT_CONFIG_NOSYSTEM: "1" };
  let seen = (await sent()).length;
  await send("/handoff new from-laptop");
  const { message } = await nextMessage("the /handoff new line", sent, seen, (b) => b.includes("from-laptop") && b.includes("| sh"));
  const line = /```\n(curl -sS \S+ \| sh)\n```/.exec(message.body ?? "")?.[1];
  expect(line).toBeTruthy();
  const ran = await run("sh", ["-eu", "-c", line!.replace(/\| sh$/, "| sh -eu")], { cwd: here, env });
  expect(ran.stderr).toBe("");
  expect(ran.status).toBe(0);
  expect(ran.stdout).toMatch(/@from-laptop arrived from the laptop: \d+ turns?, branch fix-flaky at [0-9a-f]{7}, 2 files changed/);
  ({ seen } = await nextMessage("the arrival notice", sent, seen, (b) => b.includes("@from-laptop arrived from the laptop")));

  // The new conversation is current: its workspace holds the laptop's work, and its session the laptop's turns.
  const look = "git log --format=%s && cat a.txt 'b file.txt'";
  await send(`[[tool Bash ${JSON.stringify({ command: look })}]] here?`);
  const answer = await nextMessage("the look's answer", sent, seen, (b) => b.includes("The Bash tool answered"));
  expect(answer.message.body).toContain("laptop commit");
  expect(answer.message.body).toContain("four (laptop, not committed)");
  await send("and the word now?");
  const word = await nextMessage("the word", sent, answer.seen, (b) => b.includes("You said: «and the word now?»"));
  expect(word.message.body).toContain("«which word?»");
  expect(word.message.body).toContain("«remember the word apricot»");
});
