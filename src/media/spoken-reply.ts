// A reply made for ears, the pure part: what of the agent's text is spoken, under a length cap.
// The relay makes it from the reply itself (no second model call): it is free, the same every
// time, works with the offline model, and can only say what the text says, since it keeps the
// text's own sentences and only drops or names what a voice cannot read (code, hashes, links,
// long paths). A reply too long for the cap keeps its opening sentence, then the sentences that
// say what failed or what is asked, then the rest in order, and ends by saying the rest is in
// the text.

/**
 * About 150 words a minute, the pace of aura-1's voices and of the offline stand-in: the spoken
 * text's length estimates its duration, before any audio is made.
 */
export const SPEAKING_CHARS_PER_SECOND = 15;

/** What ends a spoken reply whose text says more than was said. */
export const REST_IN_TEXT = "The rest is in the text.";
/** Said in place of a code block: the code itself is never read out. */
export const CODE_IN_TEXT = "The code is in the text.";

export type SpokenReply = { text: string; summarised: boolean; seconds: number };

/** The seconds a text takes to say, at SPEAKING_CHARS_PER_SECOND. */
export function speakingSeconds(text: string): number {
  return Math.ceil(text.length / SPEAKING_CHARS_PER_SECOND);
}

const FENCE = /```[\s\S]*?(?:```|$)/g;
const MD_LINK = /\[([^\]]+)\]\((?:[^)\s]+)\)/g;
const URL = /\b(?:https?|ftp):\/\/[^\s)>\]]+/gi;
/** A commit, a digest, an id: seven or more hex digits with a digit and a letter among them. */
const HASH = /\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{7,64}\b/gi;
/** A path; one of three parts or more, or a long one, is said by its last part only. */
const PATH = /(?:[~.]{0,2}\/)?(?:[\w.@-]+\/)+[\w.@-]*/g;
const shortPath = (path: string): string => {
  const parts = path.split("/").filter(Boolean);
  return parts.length >= 3 || path.length > 30 ? (parts.at(-1) ?? "") : path;
};
const INLINE_CODE = /`([^`\n]*)`/g;

/** Inline code a voice can say: a few plain words, a file name, a command of plain words. */
function sayableCode(code: string): string {
  const plain = code.trim();
  const symbols = plain.replace(/[\w\s.-]/g, "").length;
  return plain.length <= 40 && symbols <= 2 ? plain : "";
}

/** One line of the reply (or an approval's words), cleaned for a voice: links by their label, no hashes, short paths. */
export function sayableLine(line: string): string {
  return line
    .replace(MD_LINK, "$1")
    .replace(URL, "a link")
    .replace(INLINE_CODE, (_m, code: string) => sayableCode(code))
    .replace(PATH, shortPath)
    .replace(HASH, "")
    .replace(/^\s*(?:#{1,6}\s+|[-*•]\s+|\d+[.)]\s+|>\s*)/, "")
    .replace(/[*_~]{1,3}(\S[^*_~]*?)[*_~]{1,3}/g, "$1")
    .replace(/[|<>{}[\]\\^=$]/g, " ")
    .replace(/\s+([,.;:!?])/g, "$1")
    .replace(/\s+/g, " ")
    .trim();
}

/** Sentences, each ending in its mark (a line without one gets a full stop). */
function sentencesOf(line: string): string[] {
  return line
    .split(/(?<=[.!?])\s+/)
    .map((s) => s.trim())
    .filter((s) => /[\p{L}\p{N}]/u.test(s))
    .map((s) => (/[.!?:]$/.test(s) ? s : `${s.replace(/[,;:]$/, "")}.`));
}

/** The reply's sentences for ears, in order; code blocks are named once, where the first stood. */
export function sayableSentences(reply: string): string[] {
  const out: string[] = [];
  for (const line of reply.replace(FENCE, "\n\u0000\n").split("\n")) {
    if (line === "\u0000") {
      if (!out.includes(CODE_IN_TEXT)) out.push(CODE_IN_TEXT);
      continue;
    }
    out.push(...sentencesOf(sayableLine(line)));
  }
  return out;
}

/** What matters most to someone listening: what failed, and what they are asked. */
const MATTERS = /\b(fail\w*|error\w*|broke\w*|could not|couldn't|can't|cannot|not able|blocked|should I|shall I|do you want|would you|which|please)\b|\?$/i;

/**
 * The spoken part of `reply`, at most `maxSeconds` long. A reply that fits is said whole (less
 * what a voice cannot read); a longer one keeps its first sentence, then what failed or is asked,
 * then the rest in the reply's order while they fit, and ends with REST_IN_TEXT.
 */
export function spokenReply(reply: string, maxSeconds: number): SpokenReply {
  const sentences = sayableSentences(reply);
  const budget = Math.max(0, Math.floor(maxSeconds * SPEAKING_CHARS_PER_SECOND));
  const whole = sentences.join(" ");
  if (whole.length <= budget) return { text: whole, summarised: false, seconds: speakingSeconds(whole) };
  const room = budget - REST_IN_TEXT.length - 1;
  const order = [0, ...sentences.keys()].filter((i, at, all) => all.indexOf(i) === at);
  const ranked = [...order.filter((i) => i === 0 || MATTERS.test(sentences[i]!)), ...order.filter((i) => i !== 0 && !MATTERS.test(sentences[i]!))];
  const kept = new Set<number>();
  let used = 0;
  for (const i of ranked) {
    const cost = sentences[i]!.length + (kept.size > 0 ? 1 : 0);
    if (used + cost > room) continue;
    kept.add(i);
    used += cost;
  }
  const said = [...kept].sort((a, b) => a - b).map((i) => sentences[i]!);
  const text = [...said, REST_IN_TEXT].join(" ").slice(0, budget);
  return { text, summarised: true, seconds: speakingSeconds(text) };
}

/**
 * Whether a run's reply is spoken: only a reply to what the user sent (never a run an event
 * started: a stranger's words are not read out as an answer to the user), `on` always, `auto`
 * when one of the messages it answers was a voice note, `off` never. An error is not spoken.
 */
export function speaksReply(mode: "auto" | "on" | "off", answered: readonly { media: readonly { transcript?: unknown; stored?: { kind: string } }[] }[], fromEvent: boolean, isError: boolean): boolean {
  if (mode === "off" || fromEvent || isError || answered.length === 0) return false;
  return mode === "on" || answered.some((m) => m.media.some((a) => a.transcript !== undefined));
}
