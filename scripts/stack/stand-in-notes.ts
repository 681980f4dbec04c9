// What `npm start` says of the Telegram and GitHub stand-ins once they answer, and of the Telegram
// webhook's registration. Pure.
import { githubApiUrl, LOCAL_GITHUB, type GithubPlan } from "./github-plan";
import type { TelegramPlan } from "./telegram-plan";
import type { StackUrls } from "./stack-children";

export function standInLines(urls: StackUrls, telegram: TelegramPlan | undefined, github: GithubPlan | undefined): string[] {
  const lines: string[] = [];
  if (telegram) {
    lines.push(
      telegram.kind === "stand-in"
        ? `  Telegram         ${urls.telegram}   (the Bot API stand-in; the Worker's TELEGRAM_API_BASE; chat in the simulator's Telegram tab: ${urls.twilio}/?channel=telegram)`
        : `  Telegram         ${urls.telegram}   (the Bot API stand-in, for the simulator; the Worker uses the bot in .dev.vars)`,
    );
  }
  if (github) {
    const repo = `${LOCAL_GITHUB.owner}/${LOCAL_GITHUB.repo}`;
    lines.push(`  GitHub           ${urls.github}   (the stand-in: ${urls.github}/${repo}.git, REST ${githubApiUrl(urls.github)}, controls under /__github/)`);
    lines.push(
      github.vmUsesStandIn
        ? `  Try it: /new ${LOCAL_GITHUB.repo} ${urls.github}/${repo}.git, /github watch ${repo} (its webhook is registered here by itself), ask for a change, /ship, then press "Fail the check" on the pull request's page (docs/local-dev.md).`
        : `  The VM keeps the GITHUB_TOKEN of your shell (GitHub itself); start without it to point the VM at the stand-in.`,
    );
  }
  return lines;
}

/** One line for the registration's outcome: what was set, or what is wrong (a wrong token by name). */
export function webhookOutcomeLines(result: { ok: true; lines: string[] } | { ok: false; problem: string }): string[] {
  if (result.ok) return result.lines.map((line) => `Telegram: ${line}`);
  return [`Telegram is not set up: ${result.problem.split("\n").join("; ")}`];
}
