// Which lines of a pull request's diff a review comment may be on, as GitHub decides it: a line is
// commentable on the LEFT when the diff shows it as removed or as context (its number in the base),
// on the RIGHT when added or context (its number in the head), and only inside a hunk. Pure: the
// diff (`git diff base...head`) comes in as text.
export type DiffSide = "LEFT" | "RIGHT";
export type CommentableLines = Map<string, { LEFT: Set<number>; RIGHT: Set<number> }>;

const HUNK = /^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@/;

/** Each file the diff touches (by its path in the head; a deleted file by its path in the base), with its commentable lines per side. */
export function commentableLines(diff: string): CommentableLines {
  const files: CommentableLines = new Map();
  let current: { LEFT: Set<number>; RIGHT: Set<number> } | null = null;
  let from: string | null = null;
  let left = 0;
  let right = 0;
  // A file's `---`/`+++` lines come before its first hunk; inside a hunk, "+++" is an added line.
  let inHeader = false;
  for (const line of diff.split("\n")) {
    if (line.startsWith("diff --git ")) {
      current = null;
      from = null;
      inHeader = true;
    } else if (inHeader && line.startsWith("--- ")) from = line.slice(4).replace(/^a\//, "");
    else if (inHeader && line.startsWith("+++ ")) {
      const to = line.slice(4);
      const path = to === "/dev/null" ? from : to.replace(/^b\//, "");
      current = { LEFT: new Set(), RIGHT: new Set() };
      if (path && path !== "/dev/null") files.set(path, current);
    } else if (current && HUNK.test(line)) {
      inHeader = false;
      const [, oldStart, newStart] = HUNK.exec(line)!;
      left = Number(oldStart);
      right = Number(newStart);
    } else if (current && line.startsWith("-")) current.LEFT.add(left++);
    else if (current && line.startsWith("+")) current.RIGHT.add(right++);
    else if (current && line.startsWith(" ")) {
      current.LEFT.add(left++);
      current.RIGHT.add(right++);
    }
  }
  return files;
}

/**
 * GitHub's complaint about one review comment, in its words, or null when the line is in the diff.
 * GitHub rejects the whole review for it (422) and names no comment.
 */
export function reviewThreadProblem(lines: CommentableLines, comment: { path: string; line: number; side: DiffSide }): string | null {
  const file = lines.get(comment.path);
  if (!file) return "Pull request review thread path is invalid and Pull request review thread diff hunk can't be blank";
  if (!file[comment.side].has(comment.line)) return "Pull request review thread line must be part of the diff and Pull request review thread diff hunk can't be blank";
  return null;
}
