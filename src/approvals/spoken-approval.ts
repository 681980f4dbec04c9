// An approval made for ears, the pure part: the command or the edit in a few words ("run npm test
// in api", "edit src/app.ts, 3 lines"), for a user who hears their replies. The text prompt
// stays, with the whole command or diff; what a voice cannot read (URLs, hashes, long paths) is
// named or dropped as in a spoken reply, and an unsayable command is only called a command.
import type { ApprovalRequestEvent } from "../protocol/vm/approvals";
import { sayableLine } from "../media/spoken-reply";
import { projectPath } from "./approval-text";

/** A command longer than this, said aloud, is called "a command" and left to the text. */
const SAYABLE_COMMAND_CHARS = 60;
const CD_THEN = /^\s*cd\s+("?)([^\s"&;|]+)\1\s*&&\s*([\s\S]+)$/;

const lines = (n: number): string => `${n} ${n === 1 ? "line" : "lines"}`;

function spokenCommand(command: string, projectDir: string | undefined): string {
  const cd = CD_THEN.exec(command);
  const dir = cd ? sayableLine(projectPath(cd[2]!, projectDir)) : "";
  const raw = (cd ? cd[3]! : command).trim();
  const said = sayableLine(raw);
  // Quotes, braces and pipes would be read as noise or dropped into a wrong command.
  const symbols = raw.replace(/[\w\s.\/:@=~+,&?-]/g, "").length;
  const what = said === "" || raw.includes("\n") || symbols > 2 || said.length > SAYABLE_COMMAND_CHARS ? "a command" : said;
  return `run ${what}${dir && dir !== "the project" ? ` in ${dir}` : ""}`;
}

/** What an approval asks, said in words, with its number when several may be open. */
export function spokenApproval(event: Pick<ApprovalRequestEvent, "tool" | "input" | "edit" | "projectDir">, number: number): string {
  const ask = (what: string): string => `Approval ${number}: may I ${what}? Say yes or no.`;
  if (event.edit) {
    const file = sayableLine(projectPath(event.edit.path.split(",")[0]!.trim(), event.projectDir)) || "a file";
    // An edit that replaces 3 lines adds 3 and removes 3: it is said as 3 lines.
    const changed = Math.max(event.edit.added, event.edit.removed);
    return ask(`edit ${file}, ${lines(changed)}`);
  }
  const command = event.input["command"];
  if (event.tool === "Bash" && typeof command === "string") return ask(spokenCommand(command, event.projectDir));
  const tool = event.tool.startsWith("mcp__") ? (event.tool.split("__").at(-1) ?? event.tool) : event.tool;
  return ask(`use ${sayableLine(tool.replace(/_/g, " ")) || "a tool"}`);
}
