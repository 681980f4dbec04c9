// What an approval prompt shows of a request, so the user sees all they approve: invisible and
// direction-changing characters as visible marks, files named inside the project, and a text too
// long for one message cut where it says how much is missing and where the rest is. Pure.

/**
 * Characters that change how text reads without showing themselves: every format character
 * (Unicode Cf: the bidi embeddings, overrides and isolates U+202A-U+202E and U+2066-U+2069, the
 * marks U+200E/U+200F and U+061C, the zero-width U+200B-U+200D, U+2060, U+FEFF, soft hyphens, tag
 * characters…), the controls but a line break and a tab (a carriage return rewrites a line on
 * some screens), and the fillers and joiners that draw nothing though they are not Cf.
 */
const HIDDEN = /[\p{Cf}\p{Cc}\u034F\u115F\u1160\u180B-\u180D\u3164\uFFA0]/gu;

/** `⟨U+202E⟩` in place of each hidden character, so a prompt cannot hide or reorder what it shows. */
export function visibleMarks(text: string): string {
  return text.replace(HIDDEN, (c) => (c === "\n" || c === "\t" ? c : `⟨U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}⟩`));
}

/**
 * A file as the user knows it: relative to the project (the run's working directory, the
 * conversation's workspace) when inside it; "the project" for the directory itself; anything
 * else as given. Never the VM's own layout (its data directory, the user's key) for a project file.
 */
export function projectPath(path: string, projectDir: string | null | undefined): string {
  if (!projectDir || !path.startsWith("/")) return path;
  const dir = projectDir.replace(/\/+$/, "");
  if (path === dir || path === `${dir}/`) return "the project";
  return path.startsWith(`${dir}/`) ? path.slice(dir.length + 1) : path;
}

/** `Write(/…/workspace/main/notes.txt)` as `Write(notes.txt)` for the eye: the rule itself stays whole. */
export function projectRule(rule: string, projectDir: string | null | undefined): string {
  const match = /^([^(]+)\((\/.*)\)$/.exec(rule);
  if (!match || !projectDir) return rule;
  const shown = projectPath(match[2]!, projectDir);
  return shown === match[2] ? rule : `${match[1]}(${shown === "the project" ? "." : shown})`;
}

/** `1,240`: the thousands grouped, as the user reads a count. */
const grouped = (n: number): string => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",");

/** The line that ends a cut text: how much is missing, and the page that has all of it (none: why not). */
export function cutLine(missing: number, link: string | null): string {
  const what = `… ${grouped(missing)} more character${missing === 1 ? "" : "s"} not shown`;
  return link ? `${what}: ${link}` : `${what} (the private page, /web, shows the run's requests whole).`;
}

/**
 * The prompt in one message of at most `maxChars`: `head` (null: none), the request's `text`, `tail`. When the
 * whole does not fit, `text` is cut (never inside a visible mark or a character's two halves)
 * and ends with cutLine. `cut`: how many characters of `text` were left out (0: all shown).
 */
export function fitPrompt(p: { head: string | null; text: string; tail: string; maxChars: number; link: string | null }): { body: string; cut: number } {
  const join = (text: string) => [...(p.head === null ? [] : [p.head]), text, p.tail].join("\n");
  const whole = join(p.text);
  if (whole.length <= p.maxChars) return { body: whole, cut: 0 };
  // The cut line's length depends on the count it names: room for the longest count there can be.
  const reserve = cutLine(p.text.length, p.link).length + 1;
  let room = Math.max(0, p.maxChars - join("").length - reserve);
  room = Math.min(room, p.text.length);
  const openMark = p.text.lastIndexOf("⟨", room);
  if (openMark >= 0 && p.text.indexOf("⟩", openMark) >= room) room = openMark;
  const code = p.text.charCodeAt(room - 1);
  if (room > 0 && code >= 0xd800 && code <= 0xdbff) room -= 1;
  const missing = p.text.length - room;
  return { body: join(`${p.text.slice(0, room)}\n${cutLine(missing, p.link)}`), cut: missing };
}

/**
 * A prompt's stored words as the private page lists them after the tool's name: without the verb
 * that repeats it ("Write notes.txt: new file, +1", after "Write", reads "notes.txt: new file, +1")
 * and without the diff's hunk headers (`@@ -0,0 +1,1 @@`): the edit's lines stay, whole.
 */
export function pageApprovalText(tool: string, description: string): string {
  const text = description.startsWith(`${tool} `) ? description.slice(tool.length + 1) : description;
  const lines = text.split("\n");
  // An edit's words (approvals/approvals.ts, describeEdit) are its summary, ending in its counts, then
  // its diff from the first hunk; a command ("Run a command:" and its lines) is shown as it is.
  if (lines[0]!.endsWith(":") || !HUNK.test(lines[1] ?? "")) return text;
  return lines.filter((line) => !HUNK.test(line)).join("\n");
}

const HUNK = /^@@ -\d+(,\d+)? \+\d+(,\d+)? @@/;
