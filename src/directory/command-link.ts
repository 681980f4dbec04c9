// The arguments of /link, /unlink and /notify: a code is read as people type it, and a bad one is
// answered in one line, changing nothing.
import { CHANNEL_NAMES } from "../channels/index";
import { LINK_CODE_LENGTH, normalizeLinkCode } from "../channels/link-code";
import { isChannelName } from "../channels/index";
import type { NotifyChoice } from "./link-doors";
import { quoteInput } from "../shared/quote-input";

export type LinkCommand =
  /** `/link` alone asks for a code; `/link CODE` redeems one issued in the other app. */
  | { type: "link"; code: string | null }
  /** `/link yes` or `/link no`: the answer to the link request this chat is part of. */
  | { type: "link_answer"; yes: boolean }
  | { type: "unlink" }
  /** `/notify` alone shows where scheduled tasks' results go. */
  | { type: "notify"; choice: NotifyChoice | null };

/** A bad argument: answered in one line, as every command's (ParsedCommand's `invalid`). */
type InvalidLinkArgs = { type: "invalid"; reason: string };

const invalid = (reason: string): InvalidLinkArgs => ({ type: "invalid", reason });

export function parseLinkArgs(word: "link" | "unlink" | "notify", args: string): LinkCommand | InvalidLinkArgs {
  const text = args.trim();
  switch (word) {
    case "link": {
      if (text === "") return { type: "link", code: null };
      const word = text.toLowerCase();
      if (word === "yes" || word === "no") return { type: "link_answer", yes: word === "yes" };
      const code = normalizeLinkCode(text);
      return code ? { type: "link", code } : invalid(`“${quoteInput(text, 30)}” is not a link code: ${LINK_CODE_LENGTH} letters and digits like K7M-Q2P, from /link in the other app.`);
    }
    case "unlink":
      return text === "" ? { type: "unlink" } : invalid("/unlink takes no arguments.");
    case "notify": {
      const choice = text.toLowerCase();
      if (choice === "") return { type: "notify", choice: null };
      if (choice === "default" || isChannelName(choice)) return { type: "notify", choice };
      return invalid(`/notify takes ${CHANNEL_NAMES.join(", ")} or default, not “${quoteInput(text, 30)}”.`);
    }
  }
}
