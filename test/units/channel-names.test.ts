// The channel layer's boundary, checked in the source: outside src/channels/, no code names a
// channel's provider (Twilio) or a channel other than by the layer's interface (Telegram). Every
// identifier, string, template text and import path of src/**/*.ts is read with TypeScript's own
// parser, so comments may still say why, and a name cannot hide in a string or an import.
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..", "..");
const SRC = join(ROOT, "src");
const CHANNELS = join(SRC, "channels");
const NAMES = /twilio|telegram/i;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return path === CHANNELS ? [] : sourceFiles(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

/** Every name and text in `code` that matches NAMES, with its line: what a reader of the code sees, comments aside. */
export function channelNamesIn(fileName: string, code: string): { line: number; text: string }[] {
  const file = ts.createSourceFile(fileName, code, ts.ScriptTarget.Latest, true);
  const found: { line: number; text: string }[] = [];
  const visit = (node: ts.Node): void => {
    const text =
      ts.isIdentifier(node) || ts.isPrivateIdentifier(node)
        ? node.text
        : ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isTemplateHead(node) || ts.isTemplateMiddle(node) || ts.isTemplateTail(node)
          ? node.text
          : ts.isRegularExpressionLiteral(node)
            ? node.text
            : null;
    if (text !== null && NAMES.test(text)) found.push({ line: file.getLineAndCharacterOfPosition(node.getStart()).line + 1, text });
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

describe("the channel layer's boundary", () => {
  it("finds a name in an identifier, a string, a template, a regex and an import, and none in a comment", () => {
    const code = [
      "// Twilio's webhook, in a comment: allowed",
      'import { x } from "../channels/telegram/client";',
      "const twilioClient = 1;",
      'const a = { kind: "telegram" };',
      "const b = `${a}/Twilio/status`;",
      "const c = /telegram/;",
      "/** Telegram in a doc comment */ const d = 2;",
    ].join("\n");
    expect(channelNamesIn("x.ts", code)).toEqual([
      { line: 2, text: "../channels/telegram/client" },
      { line: 3, text: "twilioClient" },
      { line: 4, text: "telegram" },
      { line: 5, text: "/Twilio/status" },
      { line: 6, text: "/telegram/" },
    ]);
  });

  it("nothing outside src/channels/ names Twilio or Telegram", () => {
    const files = sourceFiles(SRC);
    // The walk reaches the object, its units and the Worker (and skips the layer itself).
    expect(files.map((path) => relative(ROOT, path))).toEqual(expect.arrayContaining(["src/phone-agent.ts", "src/outbox/outbox-unit.ts", "src/index.ts", "src/config/config.ts"]));
    expect(files.some((path) => path.startsWith(CHANNELS))).toBe(false);
    const violations = files.flatMap((path) => {
      const file = relative(ROOT, path);
      return channelNamesIn(path, readFileSync(path, "utf8")).map((n) => `${file}:${n.line} ${n.text}`);
    });
    expect(violations).toEqual([]);
  });
});
