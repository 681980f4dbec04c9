// A shell command that edits files in place, read as the edit it makes, when it can be applied
// safely here: `sed -i[SUFFIX] 's/A/B/[gI]' file…` and `perl -pi[SUFFIX] -e 's/A/B/[gi]' file…`,
// a simple command (plain words and quoted strings, no expansion, redirection, pipe or list)
// whose pattern means the same in JavaScript. Anything else is null: the prompt shows the command
// as it is. Pure: the files' text comes in.

/** The edit: the files as the command names them (relative to its directory), and what it makes of one file's text. */
export type InPlaceEdit = { files: string[]; apply(text: string): string };

const PLAIN_WORD = /^[A-Za-z0-9._/+=,:@%-]+$/;

/** The command's words, when it is plain words and '…' or "…" strings (no $, `, \ or ! inside "…"); null for anything a shell would expand or split further. */
export function simpleWords(command: string): string[] | null {
  const words: string[] = [];
  let rest = command.trim();
  while (rest !== "") {
    let word = "";
    while (rest !== "" && !/^\s/.test(rest)) {
      const quoted = /^'([^']*)'/.exec(rest) ?? /^"([^"$`\\!]*)"/.exec(rest);
      const plain = /^[A-Za-z0-9._/+=,:@%-]+/.exec(rest);
      const part = quoted ?? plain;
      if (!part) return null;
      word += quoted ? quoted[1] : part[0];
      rest = rest.slice(part[0].length);
    }
    words.push(word);
    rest = rest.trimStart();
  }
  return words;
}

type Substitution = { pattern: string; replacement: string; flags: string };

/** `s<d>A<d>B<d>flags` with any delimiter (escaped inside as `\<d>`); null when it is not one substitution. */
function substitutionOf(script: string): Substitution | null {
  const d = script[1];
  if (script[0] !== "s" || !d || /[\s\\]/.test(d) || script.includes("\n")) return null;
  // An escaped delimiter reads differently per dialect unless it is "/", which no regex treats specially.
  if (d !== "/" && script.includes(`\\${d}`)) return null;
  const parts: string[] = [];
  let current = "";
  for (let i = 2; i < script.length; i++) {
    const ch = script[i]!;
    if (ch === "\\" && i + 1 < script.length) {
      const next = script[++i]!;
      current += `\\${next}`;
    } else if (ch === d) {
      parts.push(current);
      current = "";
    } else current += ch;
  }
  if (parts.length !== 2) return null;
  return { pattern: parts[0]!, replacement: parts[1]!, flags: current };
}

/** A regex of sed's (BRE, or ERE with -E) as JavaScript's; null when it uses what the two read differently. */
function sedPattern(pattern: string, extended: boolean): string | null {
  if (pattern === "" || /\[[:=.]|\\[^.*[\]^$\\/(){}+?|]/.test(pattern) || /\[[^\]]*\\/.test(pattern)) return null;
  // Inside a pattern (not at its ends) sed may read ^ and $ as themselves, JavaScript as anchors.
  const bare = pattern.replace(/\\./g, "__");
  if (bare.slice(1).replace(/\[\^/g, "[").includes("^") || bare.slice(0, -1).includes("$")) return null;
  // ERE: a quantifier after a quantifier, or "(?", is JavaScript's lazy match or group syntax, not sed's.
  if (extended) return /[*+?}]\?|\(\?/.test(pattern) ? null : pattern;
  // BRE: \( \) \{ \} \+ \? \| are the operators; ( ) { } + ? | are themselves.
  let out = "";
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === "\\" && i + 1 < pattern.length) {
      const next = pattern[++i]!;
      out += "(){}+?|".includes(next) ? next : `\\${next}`;
    } else out += "(){}+?|".includes(ch) ? `\\${ch}` : ch;
  }
  return out;
}

/** A perl regex as JavaScript's, where `$` also matches before the line's newline; null past the common escapes. */
function perlPattern(pattern: string): string | null {
  // `$name` and `@name` are perl's variables, interpolated into the pattern.
  if (pattern === "" || /\\[^dwsbDWSB.*+?^$|(){}[\]\\/-]/.test(pattern) || /\(\?[^:=!]/.test(pattern) || /@|\$[A-Za-z_{]/.test(pattern)) return null;
  let out = "";
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === "\\") {
      out += pattern.slice(i, i + 2);
      i++;
    } else {
      if (ch === "[") inClass = true;
      if (ch === "]") inClass = false;
      out += ch === "$" && !inClass ? "(?=\\n?$)" : ch;
    }
  }
  return out;
}

/** The replacement's text for one match: `&` (sed) the match, `\1`…`\9` (sed) or `$1`…`$9` (perl) a group; null for anything else special. */
function replacer(replacement: string, dialect: "sed" | "perl"): ((match: string, groups: readonly (string | undefined)[]) => string) | null {
  const pieces: Array<string | number> = [];
  for (let i = 0; i < replacement.length; i++) {
    const ch = replacement[i]!;
    const next = replacement[i + 1];
    if (ch === "\\" && next !== undefined) {
      if (/[1-9]/.test(next) && dialect === "sed") pieces.push(Number(next));
      else if (/[\\/&$@]/.test(next)) pieces.push(next);
      else return null;
      i++;
    } else if (ch === "&" && dialect === "sed") pieces.push(0);
    else if (ch === "$" && dialect === "perl" && next !== undefined && /[1-9]/.test(next)) {
      pieces.push(Number(next));
      i++;
    } else if ((ch === "$" || ch === "@") && dialect === "perl") return null;
    else pieces.push(ch);
  }
  return (match, groups) => pieces.map((p) => (typeof p === "number" ? (p === 0 ? match : (groups[p - 1] ?? "")) : p)).join("");
}

/** Applies the substitution line by line, as sed (each line without its newline) and perl -p (with it) do. */
function lineEditor(regex: RegExp, replace: (match: string, groups: readonly (string | undefined)[]) => string, withNewline: boolean): (text: string) => string {
  return (text) => {
    const lines = text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
    return lines
      .map((line) => {
        const body = withNewline || !line.endsWith("\n") ? line : line.slice(0, -1);
        const edited = body.replace(regex, (match, ...rest) => replace(match, rest.slice(0, -2) as Array<string | undefined>));
        return withNewline || !line.endsWith("\n") ? edited : `${edited}\n`;
      })
      .join("");
  };
}

/** The files and the substitution of `sed -i…` / `perl -pi…`, or null when the command is anything else. */
export function inPlaceEditOf(command: string): InPlaceEdit | null {
  const words = simpleWords(command);
  if (!words || words.length < 3) return null;
  const [program, ...args] = words;
  let inPlace = false;
  let extended = false;
  let script: string | null = null;
  const files: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (program === "sed" && (/^-i[A-Za-z0-9._~-]*$/.test(arg) || /^--in-place(=[A-Za-z0-9._~-]+)?$/.test(arg))) inPlace = true;
    else if (program === "sed" && (arg === "-E" || arg === "-r" || arg === "--regexp-extended")) extended = true;
    else if (program === "perl" && /^-pi[A-Za-z0-9._~-]*$/.test(arg)) inPlace = true;
    // `-pie` is -i with the backup suffix "e", and no -e: perl would read the script from a file.
    else if (arg === "-e" && script === null && i + 1 < args.length) script = args[++i]!;
    else if (arg.startsWith("-")) return null;
    else if (script === null && program === "sed") script = arg;
    else files.push(arg);
  }
  if ((program !== "sed" && program !== "perl") || !inPlace || script === null || files.length === 0) return null;
  if (files.some((f) => !PLAIN_WORD.test(f) || f.split("/").includes(".."))) return null;
  const s = substitutionOf(script.trim().replace(/;$/, ""));
  if (!s || !(program === "sed" ? /^[gI]*$/ : /^[gi]*$/).test(s.flags)) return null;
  const pattern = program === "sed" ? sedPattern(s.pattern, extended) : perlPattern(s.pattern);
  const replace = replacer(s.replacement, program);
  if (pattern === null || replace === null) return null;
  let regex: RegExp;
  try {
    regex = new RegExp(pattern, `${s.flags.includes("g") ? "g" : ""}${/[Ii]/.test(s.flags) ? "i" : ""}`);
  } catch {
    return null;
  }
  return { files, apply: lineEditor(regex, replace, program === "perl") };
}
