// Syntax colours for the diff picture: highlight.js (its core and the languages agents mostly
// write, not all 190) turns a block of code into lines of tokens, each with the scope it is in.
// One block per hunk, so a comment or string that spans lines keeps its colour on each of them.
import hljs from "highlight.js/lib/core";
import bash from "highlight.js/lib/languages/bash";
import c from "highlight.js/lib/languages/c";
import cpp from "highlight.js/lib/languages/cpp";
import csharp from "highlight.js/lib/languages/csharp";
import css from "highlight.js/lib/languages/css";
import dockerfile from "highlight.js/lib/languages/dockerfile";
import go from "highlight.js/lib/languages/go";
import ini from "highlight.js/lib/languages/ini";
import java from "highlight.js/lib/languages/java";
import javascript from "highlight.js/lib/languages/javascript";
import json from "highlight.js/lib/languages/json";
import kotlin from "highlight.js/lib/languages/kotlin";
import makefile from "highlight.js/lib/languages/makefile";
import markdown from "highlight.js/lib/languages/markdown";
import php from "highlight.js/lib/languages/php";
import python from "highlight.js/lib/languages/python";
import ruby from "highlight.js/lib/languages/ruby";
import rust from "highlight.js/lib/languages/rust";
import scss from "highlight.js/lib/languages/scss";
import sql from "highlight.js/lib/languages/sql";
import swift from "highlight.js/lib/languages/swift";
import typescript from "highlight.js/lib/languages/typescript";
import xml from "highlight.js/lib/languages/xml";
import yaml from "highlight.js/lib/languages/yaml";

const LANGUAGES = { bash, c, cpp, csharp, css, dockerfile, go, ini, java, javascript, json, kotlin, makefile, markdown, php, python, ruby, rust, scss, sql, swift, typescript, xml, yaml };
for (const [name, language] of Object.entries(LANGUAGES)) hljs.registerLanguage(name, language);

export type LanguageName = keyof typeof LANGUAGES;

const BY_EXTENSION: Record<string, LanguageName> = {
  ts: "typescript", tsx: "typescript", mts: "typescript", cts: "typescript",
  js: "javascript", jsx: "javascript", mjs: "javascript", cjs: "javascript",
  json: "json", jsonc: "json",
  py: "python", pyi: "python",
  go: "go", rs: "rust", java: "java", kt: "kotlin", kts: "kotlin", swift: "swift",
  c: "c", h: "c", cc: "cpp", cpp: "cpp", cxx: "cpp", hpp: "cpp", hh: "cpp", cs: "csharp",
  rb: "ruby", php: "php",
  sh: "bash", bash: "bash", zsh: "bash",
  yml: "yaml", yaml: "yaml", toml: "ini", ini: "ini", cfg: "ini",
  md: "markdown", markdown: "markdown",
  css: "css", scss: "scss",
  html: "xml", htm: "xml", xml: "xml", svg: "xml", vue: "xml",
  sql: "sql",
};
const BY_NAME: Record<string, LanguageName> = { dockerfile: "dockerfile", makefile: "makefile", gnumakefile: "makefile" };

/** The language of a file by its name, or null (then it is drawn in one colour). */
export function languageOf(path: string): LanguageName | null {
  const name = (path.split("/").at(-1) ?? "").toLowerCase();
  if (BY_NAME[name]) return BY_NAME[name];
  if (name.startsWith("dockerfile.") || name.endsWith(".dockerfile")) return "dockerfile";
  const dot = name.lastIndexOf(".");
  return dot > 0 ? (BY_EXTENSION[name.slice(dot + 1)] ?? null) : null;
}

/** A run of text and the highlight.js scope it is in (the innermost one), or null for plain text. */
export type Token = { text: string; scope: string | null };

const ENTITIES: Record<string, string> = { "&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&#x27;": "'", "&#39;": "'" };
const decode = (html: string) => html.replace(/&(?:amp|lt|gt|quot|#x27|#39);/g, (entity) => ENTITIES[entity] ?? entity);

/**
 * The lines of `code`, each as tokens. highlight.js answers with HTML (`<span class="hljs-…">`
 * around escaped text); that HTML is read back into plain tokens here, so the SVG escapes the
 * text itself, once, and nothing of highlight.js's markup reaches the picture.
 */
export function tokenizeLines(code: string, language: LanguageName | null): Token[][] {
  const plain = () => code.split("\n").map((text) => (text === "" ? [] : [{ text, scope: null }]));
  if (!language) return plain();
  let html: string;
  try {
    html = hljs.highlight(code, { language, ignoreIllegals: true }).value;
  } catch {
    return plain();
  }
  const lines: Token[][] = [[]];
  const scopes: (string | null)[] = [];
  for (const match of html.matchAll(/<span class="([^"]*)">|<\/span>|([^<]+)/g)) {
    if (match[1] !== undefined) scopes.push(scopeOf(match[1]));
    else if (match[2] === undefined) scopes.pop();
    else {
      const scope = scopes.findLast((s) => s !== null) ?? null;
      const parts = decode(match[2]).split("\n");
      parts.forEach((text, i) => {
        if (i > 0) lines.push([]);
        if (text !== "") lines.at(-1)?.push({ text, scope });
      });
    }
  }
  return lines;
}

/** `hljs-title function_` -> "title". */
function scopeOf(classes: string): string | null {
  const first = classes.split(" ")[0] ?? "";
  return first.startsWith("hljs-") ? first.slice(5) : null;
}
