// A unified diff (as `git diff` writes it, or plain `diff -u`) read into files, hunks and lines:
// what the diff picture draws. Pure and forgiving: a line it does not recognise is skipped, never
// thrown on, because the text comes from a run's workspace and may be cut short (the 2 MB cap).

export type DiffLineKind = "add" | "del" | "ctx";

export type DiffLine = {
  kind: DiffLineKind;
  /** The line without its one-character prefix. */
  text: string;
  /** Line number in the old file (del, ctx) or the new one (add). */
  oldNumber: number | null;
  newNumber: number | null;
};

export type DiffHunk = {
  /** `@@ -1,3 +1,4 @@`, without the context text git appends. */
  range: string;
  /** The function or section name git appends after the range, if any. */
  section: string;
  lines: DiffLine[];
};

export type DiffFile = {
  oldPath: string | null;
  newPath: string | null;
  status: "added" | "deleted" | "modified" | "renamed";
  binary: boolean;
  hunks: DiffHunk[];
  insertions: number;
  deletions: number;
};

/** The path a reader knows the file by: the new one, or the old one for a deleted file. */
export function displayPath(file: DiffFile): string {
  return file.newPath ?? file.oldPath ?? "(unknown file)";
}

/**
 * A hunk header as git and GNU diff write it, the one way the VM writes one (the /diff picture
 * draws git's; an approval's diff is written so too): a count of 1 is left out (`@@ -1 +1 @@`), a
 * count of 0 kept (`@@ -0,0 +1 @@`).
 */
export function hunkHeader(oldStart: number, oldCount: number, newStart: number, newCount: number): string {
  const side = (start: number, count: number) => (count === 1 ? `${start}` : `${start},${count}`);
  return `@@ -${side(oldStart, oldCount)} +${side(newStart, newCount)} @@`;
}

const GIT_HEADER = /^diff --git ("?)a\/(.*?)\1 ("?)b\/(.*)\3$/;
const HUNK_HEADER = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@ ?(.*)$/;

/** `--- a/x`, `+++ b/x`, `--- /dev/null` (a tab and a timestamp may follow, as `diff -u` writes). */
function pathOfMarker(rest: string): string | null {
  const path = unquote(rest.split("\t")[0] ?? "");
  if (path === "/dev/null") return null;
  return path.replace(/^[ab]\//, "");
}

/** git quotes paths with unusual bytes: "a/na\303\257ve.txt" -> a/naïve.txt. */
function unquote(path: string): string {
  if (!(path.startsWith('"') && path.endsWith('"') && path.length >= 2)) return path;
  const bytes: number[] = [];
  const body = path.slice(1, -1);
  for (let i = 0; i < body.length; i++) {
    const char = body[i] ?? "";
    if (char !== "\\") {
      bytes.push(...Buffer.from(char, "utf8"));
      continue;
    }
    const next = body[i + 1] ?? "";
    const octal = /^[0-7]{3}/.exec(body.slice(i + 1, i + 4));
    if (octal) {
      bytes.push(parseInt(octal[0], 8));
      i += 3;
    } else {
      bytes.push(({ n: 10, t: 9, '"': 34, "\\": 92 } as Record<string, number>)[next] ?? next.charCodeAt(0));
      i += 1;
    }
  }
  return Buffer.from(bytes).toString("utf8");
}

function newFile(oldPath: string | null, newPath: string | null): DiffFile {
  return { oldPath, newPath, status: "modified", binary: false, hunks: [], insertions: 0, deletions: 0 };
}

function settleStatus(file: DiffFile): DiffFile {
  if (file.oldPath === null && file.newPath !== null) return { ...file, status: "added" };
  if (file.newPath === null && file.oldPath !== null) return { ...file, status: "deleted" };
  if (file.status === "modified" && file.oldPath !== file.newPath) return { ...file, status: "renamed" };
  return file;
}

export function parseUnifiedDiff(text: string): DiffFile[] {
  const files: DiffFile[] = [];
  let file: DiffFile | null = null;
  let hunk: DiffHunk | null = null;
  let oldNumber = 0;
  let newNumber = 0;
  // The lines the hunk header announced and not yet read: at 0 and 0, a `---` line opens a file.
  let oldLeft = 0;
  let newLeft = 0;
  const close = () => {
    if (file) files.push(settleStatus(file));
    file = null;
    hunk = null;
  };

  for (const line of text.replace(/\r\n/g, "\n").split("\n")) {
    const gitHeader = GIT_HEADER.exec(line);
    if (gitHeader) {
      close();
      file = newFile(unquote(`${gitHeader[1]}${gitHeader[2]}${gitHeader[1]}`), unquote(`${gitHeader[3]}${gitHeader[4]}${gitHeader[3]}`));
      continue;
    }
    // A `---` line opens a file when no hunk is under way (a hunk counts its lines, so a removed
    // line that starts with "--" is still a removed line).
    if (line.startsWith("--- ") && (!hunk || (oldLeft <= 0 && newLeft <= 0))) {
      if (!file || file.hunks.length > 0) {
        close();
        file = newFile(null, null);
      }
      hunk = null;
      file.oldPath = pathOfMarker(line.slice(4));
      continue;
    }
    if (line.startsWith("+++ ") && file && !hunk) {
      file.newPath = pathOfMarker(line.slice(4));
      continue;
    }
    if (!file) continue;
    const hunkHeader = HUNK_HEADER.exec(line);
    if (hunkHeader) {
      oldNumber = Number(hunkHeader[1]);
      newNumber = Number(hunkHeader[3]);
      oldLeft = hunkHeader[2] === undefined ? 1 : Number(hunkHeader[2]);
      newLeft = hunkHeader[4] === undefined ? 1 : Number(hunkHeader[4]);
      hunk = { range: line.slice(0, line.indexOf("@@", 2) + 2), section: hunkHeader[5] ?? "", lines: [] };
      file.hunks.push(hunk);
      continue;
    }
    if (!hunk) {
      if (line.startsWith("new file mode")) file.oldPath = null;
      else if (line.startsWith("deleted file mode")) file.newPath = null;
      else if (line.startsWith("rename from ")) file.oldPath = line.slice("rename from ".length);
      else if (line.startsWith("rename to ")) file.newPath = line.slice("rename to ".length);
      else if (line.startsWith("Binary files ") || line === "GIT binary patch") file.binary = true;
      continue;
    }
    const prefix = line[0];
    if (prefix === "+") {
      hunk.lines.push({ kind: "add", text: line.slice(1), oldNumber: null, newNumber: newNumber++ });
      file.insertions++;
      newLeft--;
    } else if (prefix === "-") {
      hunk.lines.push({ kind: "del", text: line.slice(1), oldNumber: oldNumber++, newNumber: null });
      file.deletions++;
      oldLeft--;
    } else if (prefix === " ") {
      hunk.lines.push({ kind: "ctx", text: line.slice(1), oldNumber: oldNumber++, newNumber: newNumber++ });
      oldLeft--;
      newLeft--;
    }
    // "\ No newline at end of file" and anything else inside a hunk: not a line of either file.
  }
  close();
  return files;
}

