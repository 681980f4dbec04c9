// What the offline model does with a plain request: a small set of phrasings it recognises
// (write or change a file, run a command, list or show files, a schedule in plain words, send a
// file back, a minute of long work) and the tool calls a real model would make for them, step by
// step, then a short final text saying what it did, to the user: never a tool's name nor what a
// tool told the agent. Pure: phrasing in, planned tool calls out; tested as a table.

/** A request the offline model understood. Paths are as the user wrote them (relative to the project). */
export type Intent =
  | { kind: "run"; command: string }
  | { kind: "write"; path: string; content: string }
  | { kind: "replace"; path: string; from: string; to: string }
  | { kind: "list"; dir: string | null }
  | { kind: "show"; path: string }
  | { kind: "schedule"; args: ScheduleArgs }
  | { kind: "send"; path: string }
  /** "serve this folder": the relay's preview_start with a small static server, so /preview works with no key. */
  | { kind: "serve" }
  /** "take a minute to refactor everything": a run of about a minute, read-only steps spread over it (progress, /stop). */
  | { kind: "long"; task: string };

/** The arguments of the relay's `schedule_create` tool (src/protocol/relay-tools.ts). */
export type ScheduleArgs = { kind: "cron"; expr: string; prompt: string } | { kind: "every"; every: string; prompt: string } | { kind: "at"; at: string; prompt: string };

export type ToolCall = { name: string; input: Record<string, unknown> };
/** A tool call of this turn and what it answered. */
export type DoneCall = ToolCall & { text: string; isError: boolean };
/** `thinkMs`: how long the model "thinks" before it answers with this step (the stream waits as long). */
export type Step = { kind: "tools"; calls: ToolCall[]; thinkMs?: number } | { kind: "text"; text: string };

/** What the offline model says it can do, with phrasings it understands: the answer to anything else. */
export const OFFLINE_ABILITIES =
  "Offline I can write or change a file, run a command, list or show files, schedule a task, send a file back or work for a minute, " +
  "e.g. “please run a command that writes hello to notes.txt”, “change notes.txt to say goodbye”, “text me a standup every weekday at 9am” or “take a minute to refactor everything”.";

/**
 * The offline model's static server: the folder's files, on $PORT or any free port, loopback only;
 * nothing outside the folder (the path is resolved under "/" before it is joined). A folder answers
 * with its index.html, or without one a list of its files (names escaped, links relative, dotfiles
 * left out), so "serve this folder" always shows something. A folder asked for without its slash is
 * redirected to it, relative, so links resolve under a preview link's prefix. It is one command
 * line within preview_start's 1,000 characters (src/protocol/vm/preview.ts), so it stays terse.
 */
export const STATIC_SERVER =
  `node -e 'const h=require("http"),f=require("fs"),p=require("path"),T={html:"text/html; charset=utf-8",css:"text/css",js:"text/javascript",svg:"image/svg+xml",png:"image/png"},e=s=>s.replace(/[&<>"]/g,c=>"&#"+c.charCodeAt()+";` +
  `");h.createServer((q,r)=>{const w=(c,b,t)=>{r.writeHead(c,{"content-type":t||T.html});r.end(b)};` +
  `let u,x;try{u=decodeURIComponent(q.url.split("?")[0]);x=p.join(".",p.normalize("/"+u))}catch{return w(400)}if(f.existsSync(x)&&f.statSync(x).isDirectory()){if(!u.endsWith("/")){r.writeHead(301,{location:encodeURIComponent(p.basename(x))+"/"});` +
  `return r.end()}const i=p.join(x,"index.html");if(!f.existsSync(i))return w(200,"<meta name=viewport content=width=device-width><h1>"+e(u)+"</h1>"+f.readdirSync(x).filter(z=>z[0]!=".").sort().map(z=>"<p><a href=\\""+encodeURIComponent(z)+"\\">"+e(z)+"</a>").join(""));` +
  `x=i}f.readFile(x,(o,b)=>o?w(404):w(200,b,T[p.extname(x).slice(1)]||"application/octet-stream"))}).listen(+process.env.PORT||0,"127.0.0.1")'`;

/** A long run: this many read-only steps, each after this long thinking: about a minute in all. */
export const LONG_STEPS = 6;
export const LONG_STEP_MS = 10_000;

const PATH = String.raw`([\w./-]*\w)`;
const QUOTED = String.raw`(?:["“'‘\`](.+?)["”'’\`]|(.+?))`;
/** Programs a "run X" may start with; "run the tests" is not a command line. */
const PROGRAMS = new Set(["echo", "ls", "cat", "pwd", "date", "git", "npm", "node", "uname", "whoami", "touch", "mkdir", "wc", "grep", "head", "tail", "printf", "env", "df", "du", "find", "sort", "python3", "true"]);

const unquote = (text: string) => text.trim().replace(/^[`"“'‘](.*)[`"”'’]$/s, "$1");
const clean = (text: string) => text.trim().replace(/[.!?]+$/, "").trim();
const dropPlease = (text: string) => text.replace(/^(?:please|can you|could you|pls)\s+/i, "").replace(/,?\s+please$/i, "");
/** Single quotes as the shell reads them: any text, safely. */
const shellQuote = (text: string) => (/^[\w./@%+=:,-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`);

function recogniseRun(text: string): Intent | null {
  const writes = new RegExp(`^run a command that (?:writes|puts|prints) ${QUOTED} (?:to|into|in) ${PATH}$`, "i").exec(text);
  if (writes) return { kind: "run", command: `echo ${shellQuote(writes[1] ?? writes[2] ?? "")} > ${writes[3]}` };
  const explicit = /^run(?: the command| this command| a command|:)\s*[`"“](.+)[`"”]$/i.exec(text) ?? /^run(?: the command| this command|:)\s+(.+)$/i.exec(text);
  if (explicit?.[1]) return { kind: "run", command: explicit[1].trim() };
  const bare = /^run\s+[`"“]?(.+?)[`"”]?$/i.exec(text);
  const program = bare?.[1]?.split(/\s+/)[0] ?? "";
  return bare?.[1] && PROGRAMS.has(program) ? { kind: "run", command: bare[1] } : null;
}

function recogniseLong(text: string): Intent | null {
  const task = /^(?:take|spend) (?:a|one|about a) minute (?:to|and|on) (.+)$/i.exec(text)?.[1];
  return task ? { kind: "long", task: task.trim() } : null;
}

function recogniseFile(text: string): Intent | null {
  const write = new RegExp(`^write ${QUOTED} (?:to|into|in) (?:(?:a |the )?file (?:called |named )?)?${PATH}$`, "i").exec(text);
  if (write) return { kind: "write", path: write[3]!, content: `${write[1] ?? write[2]}\n` };
  const create = new RegExp(`^(?:create|make) (?:(?:a |the )?file (?:called |named )?)?${PATH} (?:with|containing|saying) ${QUOTED}$`, "i").exec(text);
  if (create && create[1]!.includes(".")) return { kind: "write", path: create[1]!, content: `${create[2] ?? create[3]}\n` };
  const replaceIn = new RegExp(`^in ${PATH},? (?:replace|change) ${QUOTED} (?:with|to|by) ${QUOTED}$`, "i").exec(text);
  if (replaceIn) return { kind: "replace", path: replaceIn[1]!, from: replaceIn[2] ?? replaceIn[3]!, to: replaceIn[4] ?? replaceIn[5]! };
  // "change notes.txt to say goodbye": the whole file's new text (a file the user named by its extension).
  const says = new RegExp(`^(?:change|edit|update|make)(?: the file| file)? ${PATH} (?:to )?(?:say|says|read|reads|contain|contains) ${QUOTED}$`, "i").exec(text);
  if (says && says[1]!.includes(".")) return { kind: "write", path: says[1]!, content: `${says[2] ?? says[3]}\n` };
  const replaceTail = new RegExp(`^(?:replace|change) ${QUOTED} (?:with|to|by) ${QUOTED} in ${PATH}$`, "i").exec(text);
  if (replaceTail) return { kind: "replace", path: replaceTail[5]!, from: replaceTail[1] ?? replaceTail[2]!, to: replaceTail[3] ?? replaceTail[4]! };
  const list = /^(?:list|show(?: me)?|what are)(?: the| all| my)? files(?: (?:in|under) ([\w./-]+))?(?: are there)?$/i.exec(text) ?? (/^ls(?:\s+([\w./-]+))?$/i.exec(text));
  if (list) return { kind: "list", dir: list[1] ?? null };
  const show = new RegExp(`^(?:show(?: me)?|read|cat|open|print)(?: the file| file)? ${PATH}$`, "i").exec(text);
  if (show && /[./]/.test(show[1]!)) return { kind: "show", path: show[1]! };
  if (/^(?:please )?(?:serve|host) (?:this|the|my) (?:folder|project|site|page|app)(?: please)?[.!]?$/i.test(text)) return { kind: "serve" };
  const send = new RegExp(`^send(?: me)?(?: the file| file)? ${PATH}(?: back)?(?: to me)?$`, "i").exec(text);
  if (send && /[./]/.test(send[1]!)) return { kind: "send", path: send[1]! };
  return null;
}

// Schedules in plain words: "every weekday at 9am", "every 2 hours", "at 5pm", "tomorrow at 9am".
const DAY_WORDS: Record<string, string> = {
  day: "*", days: "*", weekday: "1-5", weekdays: "1-5", weekend: "0,6", weekends: "0,6",
  sunday: "0", monday: "1", tuesday: "2", wednesday: "3", thursday: "4", friday: "5", saturday: "6",
  sun: "0", mon: "1", tue: "2", wed: "3", thu: "4", fri: "5", sat: "6",
};
const TIME = String.raw`(\d{1,2})(?::(\d{2}))?\s*(am|pm)?`;
const UNITS: Record<string, string> = { minute: "m", minutes: "m", min: "m", mins: "m", m: "m", hour: "h", hours: "h", h: "h", day: "d", days: "d", d: "d" };

/** Hour and minute of "9am", "17:30", "5 pm"; null when it is not a time of day. */
function timeOf(hour: string, minute: string | undefined, meridiem: string | undefined): { h: number; m: number } | null {
  let h = Number(hour);
  const m = Number(minute ?? "0");
  if (meridiem) {
    if (h < 1 || h > 12) return null;
    h = (h % 12) + (meridiem.toLowerCase() === "pm" ? 12 : 0);
  }
  return h <= 23 && m <= 59 ? { h, m } : null;
}

/** The task's words: what is left once the time is taken out ("remind me to …" keeps the user's phrasing). */
function taskWords(text: string): string | null {
  const words = clean(text.replace(/\s+/g, " ").replace(/^(?:and|to|,)\s+/i, "").replace(/\s+(?:and|,)$/i, ""));
  return words === "" ? null : words;
}

function recogniseSchedule(text: string): Intent | null {
  const days = new RegExp(`\\bevery (${Object.keys(DAY_WORDS).join("|")}) at ${TIME}\\b`, "i").exec(text);
  if (days) {
    const time = timeOf(days[2]!, days[3], days[4]);
    const prompt = taskWords(text.replace(days[0], " "));
    if (!time || !prompt) return null;
    return { kind: "schedule", args: { kind: "cron", expr: `${time.m} ${time.h} * * ${DAY_WORDS[days[1]!.toLowerCase()]}`, prompt } };
  }
  const interval = /\bevery (\d+ ?)?(minutes?|mins?|hours?|days?|[mhd])\b/i.exec(text);
  if (interval && (interval[1] || interval[2]!.length > 1)) {
    const prompt = taskWords(text.replace(interval[0], " "));
    if (!prompt) return null;
    return { kind: "schedule", args: { kind: "every", every: `${(interval[1] ?? "1").trim()}${UNITS[interval[2]!.toLowerCase()]}`, prompt } };
  }
  const remind = new RegExp(`^remind me (?:(today|tomorrow) )?at ${TIME} (?:to )?(.+)$`, "i").exec(text) ?? new RegExp(`^remind me (?:to )?(.+?) (?:(today|tomorrow) )?at ${TIME}$`, "i").exec(text);
  if (remind) {
    const leading = /^remind me (?:(?:today|tomorrow) )?at /i.test(text);
    const [day, hour, minute, meridiem, what] = leading ? [remind[1], remind[2]!, remind[3], remind[4], remind[5]!] : [remind[2], remind[3]!, remind[4], remind[5], remind[1]!];
    const time = timeOf(hour, minute, meridiem);
    const prompt = taskWords(what);
    if (!time || !prompt) return null;
    const at = `${day ? `${day.toLowerCase()} ` : ""}${time.h}:${String(time.m).padStart(2, "0")}`;
    return { kind: "schedule", args: { kind: "at", at, prompt: `remind me to ${prompt}` } };
  }
  return null;
}

/**
 * The request in the latest user text, or null. A text with a `[[…]]` directive is the tests'
 * own instruction and is never read as a request; nor is a text of several lines (a batch).
 */
export function recogniseIntent(latest: string): Intent | null {
  if (latest.includes("[[")) return null;
  const lines = latest.trim().split("\n").map((line) => line.trim()).filter(Boolean);
  // An attachment's line (the VM's "The user sent an image: inbox/…") with "send it back" as its caption.
  const saved = lines.map((line) => /^The user sent [a-z ]+: (inbox\/[\w.-]+) \(/.exec(line)?.[1]).filter((p): p is string => !!p);
  const words = lines.filter((line) => !line.startsWith("The user sent "));
  if (saved.length === 1 && words.length === 1 && /^(?:please\s+)?send (?:it|this|that|the (?:image|picture|photo|file)) back(?: to me)?(?:,? please)?[.!]?$/i.test(words[0]!)) return { kind: "send", path: saved[0]! };
  if (lines.length !== 1) return null;
  const text = clean(dropPlease(lines[0]!));
  if (text === "" || text.length > 300) return null;
  return recogniseLong(text) ?? recogniseRun(text) ?? recogniseFile(text) ?? (STATEMENT.test(lines[0]!) ? null : recogniseSchedule(text));
}

/** A question or a statement about oneself ("I write it every day") is not a request to schedule. */
const STATEMENT = /\?\s*$|^(?:i|we|you|do|does|did|is|are|was|what|how|why|when|who)\b/i;

/** The project's directory as Claude Code states it in its system prompt, for the absolute paths its file tools take. */
export function workingDirectoryOf(system: string): string | null {
  return /Primary working directory: (\/[^\s"\\]+)/.exec(system)?.[1] ?? null;
}

const absolute = (path: string, cwd: string | null) => (path.startsWith("/") || cwd === null ? path : `${cwd.replace(/\/$/, "")}/${path.replace(/^\.\//, "")}`);
const clip = (text: string, max: number) => {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
};
/** Tool results of the Read tool number their lines ("     1\tline"); the text itself without them. */
const withoutLineNumbers = (text: string) => text.replace(/^\s*\d+[\t→]/gm, "");

/**
 * The next step of the turn for `intent`, given the tool calls already made in it (in order) and
 * the tools the CLI offers: more tool calls, or the final text. `relayTool` resolves the relay's
 * short tool names to the names the CLI gives them (`mcp__relay__schedule_create`).
 */
export function nextStep(intent: Intent, done: readonly DoneCall[], o: { cwd: string | null; toolNames: readonly string[]; relayTool: (name: string) => string }): Step {
  const last = done.at(-1);
  const say = (text: string): Step => ({ kind: "text", text: `[offline model] ${text}` });
  const failed = (call: DoneCall) => say(`That did not work: ${clip(toolErrorText(call.text), 300)}`);
  const once = (call: ToolCall): Step => (last ? (last.isError ? failed(last) : say(doneText(intent, last))) : { kind: "tools", calls: [call] });
  switch (intent.kind) {
    case "run":
      return once({ name: "Bash", input: { command: intent.command, description: `Run ${clip(intent.command, 60)}` } });
    case "list":
      return once(o.toolNames.includes("Glob") ? { name: "Glob", input: { pattern: "*", ...(intent.dir ? { path: absolute(intent.dir, o.cwd) } : {}) } } : { name: "Bash", input: { command: intent.dir ? `ls -la ${shellQuote(intent.dir)}` : "ls -la", description: "List the files" } });
    case "show":
      return once({ name: "Read", input: { file_path: absolute(intent.path, o.cwd) } });
    case "schedule":
      return once({ name: o.relayTool("schedule_create"), input: { ...intent.args } });
    case "send":
      return once({ name: o.relayTool("send_file"), input: { path: intent.path } });
    case "serve":
      return once({ name: o.relayTool("preview_start"), input: { command: STATIC_SERVER } });
    case "long":
      return longStep(intent, done, o.toolNames, say);
    case "write": {
      const write: ToolCall = { name: "Write", input: { file_path: absolute(intent.path, o.cwd), content: intent.content } };
      // Claude Code writes over an existing file only once it has read it: read, then write again.
      if (!last) return { kind: "tools", calls: [write] };
      if (last.isError && last.name === "Write" && done.length === 1 && /read/i.test(last.text)) return { kind: "tools", calls: [{ name: "Read", input: { file_path: absolute(intent.path, o.cwd) } }] };
      if (!last.isError && last.name === "Read") return { kind: "tools", calls: [write] };
      return last.isError ? failed(last) : say(doneText(intent, last));
    }
    case "replace": {
      const file_path = absolute(intent.path, o.cwd);
      if (!last) return { kind: "tools", calls: [{ name: "Read", input: { file_path } }] };
      if (last.isError) return failed(last);
      if (last.name === "Read") {
        if (!withoutLineNumbers(last.text).includes(intent.from)) return say(`${intent.path} does not contain “${clip(intent.from, 80)}”: nothing changed.`);
        return { kind: "tools", calls: [{ name: "Edit", input: { file_path, old_string: intent.from, new_string: intent.to } }] };
      }
      return say(doneText(intent, last));
    }
  }
}

/** Read-only looks at the project (never asked about in any approval mode), by the tool that does each. */
const LONG_LOOKS: ReadonlyArray<ToolCall> = [
  { name: "Glob", input: { pattern: "**/*" } },
  { name: "Grep", input: { pattern: "TODO" } },
  { name: "Glob", input: { pattern: "**/*.{ts,js,py}" } },
  { name: "Grep", input: { pattern: "function" } },
  { name: "Glob", input: { pattern: "**/*.md" } },
  { name: "Grep", input: { pattern: "export" } },
];

/** The same looks as read-only shell commands, where the CLI offers no Glob or Grep (Claude Code 2.1 defers them to its Bash). */
const LONG_SHELL_LOOKS: ReadonlyArray<ToolCall> = [
  ["ls -la", "List the files"],
  ["find . -maxdepth 2 -type f -not -path './.git/*'", "Find the project's files"],
  ["grep -rIn TODO . --exclude-dir=.git --exclude-dir=node_modules", "Search for TODO"],
  ["git status --short", "See what changed"],
  ["du -sh .", "Measure the project"],
  ["git log --oneline -5", "See the last commits"],
].map(([command, description]) => ({ name: "Bash", input: { command, description } }));

/** The long run's next look, after thinking a while; then the final text. A failed look is looked past: it only acts the work out. */
function longStep(intent: Extract<Intent, { kind: "long" }>, done: readonly DoneCall[], toolNames: readonly string[], say: (text: string) => Step): Step {
  if (done.length >= LONG_STEPS) return say(doneText(intent, done.at(-1)!));
  const looks = toolNames.includes("Glob") && toolNames.includes("Grep") ? LONG_LOOKS : LONG_SHELL_LOOKS;
  return { kind: "tools", calls: [looks[done.length % looks.length]!], thinkMs: LONG_STEP_MS };
}

/** A tool's error as the CLI wraps it (`<tool_use_error>…</tool_use_error>`), without the wrapping. */
const toolErrorText = (text: string) => text.replace(/<\/?tool_use_error>/g, "");

/** The final text once the last call succeeded: what was done, and what came of it, in the user's terms. */
function doneText(intent: Intent, last: DoneCall): string {
  switch (intent.kind) {
    case "run": {
      // The CLI's own words for an empty output.
      const output = last.text.trim().replace(/^\(Bash completed with no output\)$/, "");
      return `I ran \`${clip(intent.command, 120)}\`${output ? `: ${clip(output, 300)}` : " (no output)."}`;
    }
    case "list":
      return `The files: ${clip(last.text, 600)}`;
    case "show":
      return `${intent.path} says: ${clip(withoutLineNumbers(last.text), 600)}`;
    case "write":
      return `I wrote ${intent.path} (${intent.content.length} characters).`;
    case "replace":
      return `I changed “${clip(intent.from, 60)}” to “${clip(intent.to, 60)}” in ${intent.path}.`;
    case "schedule":
      // The relay's tool answers in the words its /schedule command would: they are the user's too.
      return clip(last.text, 400);
    case "serve":
      return `I started a small web server for this folder (its index.html at /, or a list of its files): ${clip(last.text, 200)}`;
    case "send":
      // What the tool said is for the agent ("queued for the user"); the user has the file.
      return `I sent you ${intent.path}.`;
    case "long":
      return `I spent about a minute on “${clip(intent.task, 80)}”: I looked through the project ${LONG_STEPS} times and changed nothing. Offline, long work is only acted out, to show the updates a long run sends and what /stop does.`;
  }
}
