// `sed -i` and `perl -pi -e` read as the edit they make, when they can be applied here as sed and
// perl would; every other command (expansion, pipes, lists, other options, patterns read
// differently) is no edit, and its prompt stays as it is.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { inPlaceEditOf, simpleWords } from "../../src/core/in-place-edit";

const TEXT = "alpha beta\nbeta (gamma)\nend  \nlast";

describe("inPlaceEditOf", () => {
  it.each([
    ["sed, first match per line", "sed -i 's/beta/BETA/' a.txt", ["a.txt"], "alpha BETA\nBETA (gamma)\nend  \nlast"],
    ["sed with g, a backup suffix and several files", "sed -i.bak s/a/A/g a.txt b.txt", ["a.txt", "b.txt"], "AlphA betA\nbetA (gAmmA)\nend  \nlAst"],
    ["sed BRE: ( ) are themselves, \\( \\) group, & and \\1 in the replacement", "sed -i 's/(\\(gam\\)ma)/[\\1-&]/' a.txt", ["a.txt"], "alpha beta\nbeta [gam-(gamma)]\nend  \nlast"],
    ["sed -E: ( ) group, + repeats", "sed -E -i 's/(b)e+/\\1E/g' a.txt", ["a.txt"], "alpha bEta\nbEta (gamma)\nend  \nlast"],
    ["sed anchors per line, without its newline", "sed -i 's/ *$//' a.txt", ["a.txt"], "alpha beta\nbeta (gamma)\nend\nlast"],
    ["sed I: case-insensitive; another delimiter", "sed --in-place 's|ALPHA|x|I' ./a.txt", ["./a.txt"], "x beta\nbeta (gamma)\nend  \nlast"],
    ["sed -e", "sed -i -e 's/last/LAST/' a.txt", ["a.txt"], "alpha beta\nbeta (gamma)\nend  \nLAST"],
    ["perl -pi -e: \\s and $ as perl reads a line with its newline", "perl -pi -e 's/\\s+$//' a.txt", ["a.txt"], "alpha betabeta (gamma)endlast"],
    ["perl -pi.orig -e with $1", "perl -pi.orig -e 's/(\\w+) (\\w+)/$2 $1/g' a.txt", ["a.txt"], "beta alpha\nbeta (gamma)\nend  \nlast"],
  ])("%s", (_name, command, files, after) => {
    const edit = inPlaceEditOf(command);
    expect(edit?.files).toEqual(files);
    expect(edit?.apply(TEXT)).toBe(after);
    // The machine's own sed and perl, run on the same text, make the same file.
    const dir = mkdtempSync(join(tmpdir(), "in-place-"));
    try {
      for (const file of files) writeFileSync(join(dir, file), TEXT);
      execFileSync("sh", ["-c", command], { cwd: dir, env: { PATH: process.env.PATH, LC_ALL: "C" } });
      for (const file of files) expect(readFileSync(join(dir, file), "utf8"), file).toBe(after);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each([
    ["not in place", "sed 's/a/b/' a.txt"],
    ["a pipe", "sed -i 's/a/b/' a.txt | cat"],
    ["a list", "cd src && sed -i 's/a/b/' a.txt"],
    ["a glob", "sed -i 's/a/b/' *.txt"],
    ["a variable", "sed -i 's/a/b/' $FILE"],
    ["expansion inside double quotes", "sed -i \"s/a/$(whoami)/\" a.txt"],
    ["a redirection", "sed -i 's/a/b/' a.txt > out"],
    ["a path out of the directory", "sed -i 's/a/b/' ../a.txt"],
    ["no file", "sed -i 's/a/b/'"],
    ["another sed command", "sed -i '/a/d' a.txt"],
    ["two commands", "sed -i 's/a/b/;s/c/d/' a.txt"],
    ["another option", "sed -n -i 's/a/b/p' a.txt"],
    ["a flag beyond g and I", "sed -i 's/a/b/w out' a.txt"],
    ["a class sed reads otherwise", "sed -i 's/[[:digit:]]/x/' a.txt"],
    ["an escape sed reads otherwise", "sed -i 's/\\n/x/' a.txt"],
    ["a newline in the replacement", "sed -i 's/a/b\\\nc/' a.txt"],
    ["^ inside a BRE", "sed -i 's/a^b/x/' a.txt"],
    ["a lazy quantifier in ERE", "sed -E -i 's/a+?/x/' a.txt"],
    ["an escaped delimiter other than /", "sed -i 's|a\\|b|x|' a.txt"],
    ["the empty regex", "sed -i 's//x/' a.txt"],
    ["perl's variables in the pattern", "perl -pi -e 's/$HOME/x/' a.txt"],
    ["perl's variables in the replacement", "perl -pi -e 's/a/$x/' a.txt"],
    ["perl code, not a substitution", "perl -pi -e 'print' a.txt"],
    ["perl without -i", "perl -pe 's/a/b/' a.txt"],
    ["perl -pie (the suffix \"e\", no script)", "perl -pie 's/end/END/' a.txt"],
    ["another program", "awk -i inplace '{print}' a.txt"],
  ])("none for %s", (_name, command) => {
    expect(inPlaceEditOf(command)).toBeNull();
  });
});

describe("simpleWords", () => {
  it.each([
    ["sed -i 's/a b/c/' x", ["sed", "-i", "s/a b/c/", "x"]],
    ['a "b c"d', ["a", "b cd"]],
    ["a\tb", ["a", "b"]],
    ["a;b", null],
    ["a `b`", null],
    ['a "$b"', null],
    ["a 'b", null],
  ])("%j", (command, words) => {
    expect(simpleWords(command)).toEqual(words);
  });
});
