// The arguments of the conversation commands (/new, /switch, /rename, /delete, /git): names,
// repository URLs and git identities are checked here, so a bad one changes nothing.
import { firstWord, type InvalidCommand } from "../shared/command-words";
import { quoteInput } from "../shared/quote-input";

/** The conversation commands' meanings. `/new` alone (and `/clear`) is a fresh session in the current conversation's project. */
export type ConversationCommand =
  | { type: "new_session" }
  | { type: "conversation_create"; name: string; repo: { url: string; branch: string | null } | null }
  /** A name or a number as /sessions shows them; resolved against the user's conversations. */
  | { type: "conversation_switch"; target: string }
  | { type: "conversation_rename"; name: string }
  | { type: "conversation_delete"; name: string; confirmed: boolean }
  | { type: "git_show" }
  | { type: "git_set"; field: "name" | "email"; value: string };

const invalid = (reason: string): InvalidCommand => ({ type: "invalid", reason });

const NAME = /^[A-Za-z0-9_-]{1,32}$/;
const NAME_RULE = "Names are 1-32 letters, digits, - or _.";

/** Clone URLs the relay passes on: https:// and scp-like git@host:path (the VM checks again). */
const HTTPS_URL = /^https:\/\/[A-Za-z0-9.-]+(?::\d{1,5})?\/[^\s@]+$/;
const SCP_URL = /^git@[A-Za-z0-9.-]+:[A-Za-z0-9._~/-]+$/;
/** A git host on the VM's own machine over plain http (the local GitHub stand-in of `npm start`); the VM clones it only if it is its GITHUB_URL. */
const LOOPBACK_HTTP_URL = /^http:\/\/(?:127\.0\.0\.1|localhost):\d{1,5}\/[^\s@]+$/;
/** A git ref name, conservatively: no leading dash or dot, no "..", no control or special characters. */
const BRANCH = /^(?!-)(?!.*\.\.)(?!.*\/\/)(?!\.)[A-Za-z0-9._/-]{1,100}(?<![./])$/;
const EMAIL = /^[^\s@<>]{1,64}@[^\s@<>]{1,190}\.[A-Za-z]{2,}$/;

export function isConversationName(name: string): boolean {
  return NAME.test(name);
}

function nameOrReason(name: string): string | null {
  return isConversationName(name) ? null : `“${quoteInput(name)}” is not a valid name. ${NAME_RULE}`;
}

/** `/new`, `/new <name>`, `/new <name> <git-url> [branch]`. */
export function parseNewArgs(args: string): ConversationCommand | InvalidCommand {
  if (args === "") return { type: "new_session" };
  const [name, rest] = firstWord(args);
  const bad = nameOrReason(name);
  if (bad) return invalid(bad);
  if (rest === "") return { type: "conversation_create", name, repo: null };
  const [url, afterUrl] = firstWord(rest);
  const [branch, extra] = firstWord(afterUrl);
  if (extra !== "") return invalid("Usage: /new <name> <git-url> [branch].");
  if (!HTTPS_URL.test(url) && !SCP_URL.test(url) && !LOOPBACK_HTTP_URL.test(url)) {
    return invalid(`“${quoteInput(url)}” is not a repository URL I can clone: use https://host/owner/repo or git@host:owner/repo (no password in the URL).`);
  }
  if (branch !== "" && !BRANCH.test(branch)) return invalid(`“${quoteInput(branch)}” is not a branch name.`);
  return { type: "conversation_create", name, repo: { url, branch: branch === "" ? null : branch } };
}

/** A one-name command: `/switch`, `/rename`. */
export function parseNameArg(command: "switch" | "rename", args: string): ConversationCommand | InvalidCommand {
  const [name, extra] = firstWord(args);
  if (name === "" || extra !== "") return invalid(`Usage: /${command} <${command === "switch" ? "name or number" : "new name"}>.`);
  if (command === "switch") return /^\d{1,3}$/.test(name) || isConversationName(name) ? { type: "conversation_switch", target: name } : invalid(nameOrReason(name)!);
  const bad = nameOrReason(name);
  return bad ? invalid(bad) : { type: "conversation_rename", name };
}

/** `/delete <name> [yes]`. */
export function parseDeleteArgs(args: string): ConversationCommand | InvalidCommand {
  const [name, rest] = firstWord(args);
  if (name === "") return invalid("Usage: /delete <name>, then /delete <name> yes to confirm.");
  const bad = nameOrReason(name);
  if (bad) return invalid(bad);
  if (rest !== "" && rest.toLowerCase() !== "yes") return invalid(`To confirm, send /delete ${name} yes.`);
  return { type: "conversation_delete", name, confirmed: rest !== "" };
}

/** `/git`, `/git name <name>`, `/git email <email>`. */
export function parseGitArgs(args: string): ConversationCommand | InvalidCommand {
  if (args === "") return { type: "git_show" };
  const [field, value] = firstWord(args);
  const which = field.toLowerCase();
  if (which === "name") {
    if (value === "" || [...value].length > 100 || /[\p{Cc}\p{Zl}\p{Zp}<>]/u.test(value)) return invalid("Usage: /git name Your Name (at most 100 characters).");
    return { type: "git_set", field: "name", value };
  }
  if (which === "email") {
    if (!EMAIL.test(value)) return invalid("Usage: /git email you@example.com.");
    return { type: "git_set", field: "email", value };
  }
  return invalid("Usage: /git name <name> or /git email <email>; /git alone shows them.");
}
