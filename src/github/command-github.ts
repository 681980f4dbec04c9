// The arguments of /github (watch, unwatch, trust, untrust, list) and /autofix (on, off, show).
import type { InvalidCommand } from "../shared/command-words";
import { quoteInput } from "../shared/quote-input";

/** /github's and /autofix's meanings. `/github trust owner/repo`: its events' runs keep the conversation's approval mode; `untrust`: they ask before every action again. `/autofix` alone shows it. */
export type GithubCommand =
  | { type: "github"; action: "list" }
  | { type: "github"; action: "watch" | "unwatch"; repo: string }
  | { type: "github_trust"; repo: string; on: boolean }
  | { type: "autofix"; on: boolean | null };

/** What /github asks of the directory. */
export type GithubRequest = { action: "list" } | { action: "watch" | "unwatch"; repo: string };

/** /github after the command's transaction (joined in agent/vm-action.ts): the directory's watches (a watch's secret is made there). */
export type GithubAction = { kind: "github"; action: "list" } | { kind: "github"; action: "watch" | "unwatch"; repo: string };

const REPO = /^[A-Za-z0-9_.-]{1,100}\/[A-Za-z0-9_.-]{1,100}$/;
const GITHUB_USAGE = "Usage: /github watch owner/repo, /github unwatch owner/repo, /github trust owner/repo, /github untrust owner/repo, or /github alone to list.";
const ACTIONS = new Set(["watch", "unwatch", "trust", "untrust"]);

/** `owner/repo`, also as `https://github.com/owner/repo(.git)`. */
function repoArg(text: string): string | null {
  const bare = text.trim().replace(/^https:\/\/github\.com\//i, "").replace(/\.git$/i, "").replace(/\/$/, "");
  return REPO.test(bare) && !bare.split("/").some((part) => part === "." || part === "..") ? bare : null;
}

export function parseGithubArgs(args: string): GithubCommand | InvalidCommand {
  const words = args.split(/\s+/).filter(Boolean);
  if (words.length === 0) return { type: "github", action: "list" };
  const action = words[0]!.toLowerCase();
  if (!ACTIONS.has(action) || words.length !== 2) return { type: "invalid", reason: GITHUB_USAGE };
  const repo = repoArg(words[1]!);
  if (!repo) return { type: "invalid", reason: `“${quoteInput(words[1]!, 60)}” is not a GitHub repository: write owner/repo.` };
  if (action === "trust" || action === "untrust") return { type: "github_trust", repo, on: action === "trust" };
  return { type: "github", action: action as "watch" | "unwatch", repo };
}

export function parseAutofixArgs(args: string): GithubCommand | InvalidCommand {
  const setting = args.trim().toLowerCase();
  if (setting === "") return { type: "autofix", on: null };
  if (setting === "on" || setting === "off") return { type: "autofix", on: setting === "on" };
  return { type: "invalid", reason: `/autofix takes on or off, not “${quoteInput(args, 30)}”.` };
}
