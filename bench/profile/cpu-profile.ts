// Reads a V8 CPU profile (the Chrome DevTools protocol's Profiler.stop result) into where the
// time went: time by bucket, where a sample's bucket is decided by the functions on its stack,
// and the functions with the most self time. Pure: the profile arrives as data.
import * as z from "zod";

const CallFrameSchema = z.object({ functionName: z.string(), url: z.string(), lineNumber: z.number(), columnNumber: z.number() }).loose();
const NodeSchema = z.object({ id: z.number(), callFrame: CallFrameSchema, children: z.array(z.number()).optional() }).loose();
export const CpuProfileSchema = z.object({
  nodes: z.array(NodeSchema),
  startTime: z.number(),
  endTime: z.number(),
  samples: z.array(z.number()),
  timeDeltas: z.array(z.number()),
});
export type CpuProfile = z.infer<typeof CpuProfileSchema>;

/**
 * A bucket: the first rule (in list order) whose test matches the sample's stack, read from the
 * root down, takes the sample. Rules are ordered from the most specific to the least.
 */
export type BucketRule = { name: string; matches: (stack: readonly string[]) => boolean };

export type Breakdown = {
  /** Sampled time in milliseconds, idle excluded. */
  busyMs: number;
  idleMs: number;
  buckets: { name: string; ms: number; share: number }[];
  /** Time by the outermost JavaScript function of the stack (the entry point the runtime called). */
  roots: { frame: string; ms: number }[];
  /** Self time by function and its two callers (innermost first), busiest first. */
  topSelf: { frame: string; ms: number }[];
};

const IDLE = "(idle)";

/**
 * Each sample's duration is the delta to the next sample (the last gets the profile's end), at most
 * `maxSampleMs` when given: a thread that waits outside V8 between turns (workerd between a
 * Durable Object's I/O) takes no samples meanwhile, so an uncapped delta gives that wait to the
 * last function sampled before it. Under a steady load there are no such gaps.
 */
export function breakdown(profile: CpuProfile, rules: readonly BucketRule[], top = 25, maxSampleMs = Number.POSITIVE_INFINITY): Breakdown {
  const { byId, parent } = treeOf(profile);
  const stackCache = new Map<number, string[]>();
  const stackOf = (id: number): string[] => {
    const cached = stackCache.get(id);
    if (cached) return cached;
    const names: string[] = [];
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) names.push(byId.get(at)?.callFrame.functionName ?? "");
    names.reverse();
    stackCache.set(id, names);
    return names;
  };
  const bucketMs = new Map<string, number>(rules.map((r) => [r.name, 0]));
  const selfMs = new Map<string, number>();
  const rootMs = new Map<string, number>();
  let [busyMs, idleMs] = [0, 0];
  const durations = sampleMs(profile, maxSampleMs);
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i]!;
    const ms = durations[i]!;
    const node = byId.get(id);
    if (!node || ms <= 0) continue;
    if (node.callFrame.functionName === IDLE) {
      idleMs += ms;
      continue;
    }
    busyMs += ms;
    const stack = stackOf(id);
    const rule = rules.find((r) => r.matches(stack));
    const name = rule?.name ?? "other";
    bucketMs.set(name, (bucketMs.get(name) ?? 0) + ms);
    const callers = stack.slice(Math.max(1, stack.length - 3), -1).reverse().map((n) => n || "(anonymous)");
    const frame = [`${node.callFrame.functionName || "(anonymous)"} ${shortUrl(node.callFrame.url)}:${node.callFrame.lineNumber + 1}`, ...callers].join(" ← ");
    selfMs.set(frame, (selfMs.get(frame) ?? 0) + ms);
    const root = stack[1] ?? stack[0] ?? "";
    rootMs.set(root || "(anonymous)", (rootMs.get(root || "(anonymous)") ?? 0) + ms);
  }
  return {
    busyMs,
    idleMs,
    buckets: [...bucketMs].map(([name, ms]) => ({ name, ms, share: busyMs > 0 ? ms / busyMs : Number.NaN })),
    roots: [...rootMs].map(([frame, ms]) => ({ frame, ms })).sort((a, b) => b.ms - a.ms).slice(0, top),
    topSelf: [...selfMs].map(([frame, ms]) => ({ frame, ms })).sort((a, b) => b.ms - a.ms).slice(0, top),
  };
}

/** The profile's nodes by id, and each node's parent. */
function treeOf(profile: CpuProfile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const child of n.children ?? []) parent.set(child, n.id);
  return { byId, parent };
}

/** Each sample's milliseconds: until the next sample (the last: until the profile's end), at most `maxSampleMs`. */
function sampleMs(profile: CpuProfile, maxSampleMs: number): number[] {
  let at = profile.startTime;
  const times = profile.timeDeltas.map((d) => (at += d));
  return times.map((t, i) => Math.min(maxSampleMs, ((i + 1 < times.length ? times[i + 1]! : profile.endTime) - t) / 1000));
}

function shortUrl(url: string): string {
  return url === "" ? "(native)" : url.slice(url.lastIndexOf("/") + 1);
}

/** A stack holding `name` anywhere (a function of that name was on the stack). */
export const has = (name: string) => (stack: readonly string[]) => stack.includes(name);
/** A stack holding `inner` above (called from, at any depth) `outer`. */
export const within = (outer: string, inner: string) => (stack: readonly string[]) => {
  const o = stack.indexOf(outer);
  return o !== -1 && stack.indexOf(inner, o + 1) !== -1;
};
/** A sample in the runtime itself (garbage collection, native code outside any JS function). */
export const leafIs = (name: string) => (stack: readonly string[]) => stack[stack.length - 1] === name;

export type FunctionTimes = {
  /** Sampled time in milliseconds, idle excluded. */
  busyMs: number;
  /** Self time by `name file:line` (the function the sample was in). */
  self: Map<string, number>;
  /** Total time by the same names: every function on the sample's stack, each once. */
  total: Map<string, number>;
  /** Self time by source file. */
  files: Map<string, number>;
};

/**
 * Self and total time by function, and self time by file, where `fileOf` maps a frame's script and
 * line to its source file (bundleModules). A sample lasts at most `maxSampleMs` (see breakdown).
 */
export function timeByFunction(profile: CpuProfile, fileOf: (url: string, line: number) => string, maxSampleMs = Number.POSITIVE_INFINITY): FunctionTimes {
  const { byId, parent } = treeOf(profile);
  const nameOf = (id: number) => {
    const f = byId.get(id)!.callFrame;
    return `${f.functionName || "(anonymous)"} ${fileOf(f.url, f.lineNumber)}:${f.lineNumber + 1}`;
  };
  const out: FunctionTimes = { busyMs: 0, self: new Map(), total: new Map(), files: new Map() };
  const add = (m: Map<string, number>, k: string, ms: number) => m.set(k, (m.get(k) ?? 0) + ms);
  const durations = sampleMs(profile, maxSampleMs);
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i]!;
    const ms = durations[i]!;
    const node = byId.get(id);
    if (!node || ms <= 0 || node.callFrame.functionName === IDLE) continue;
    out.busyMs += ms;
    add(out.self, nameOf(id), ms);
    add(out.files, fileOf(node.callFrame.url, node.callFrame.lineNumber), ms);
    // A recursive function counts once per sample.
    const seen = new Set<string>();
    for (let a: number | undefined = id; a !== undefined; a = parent.get(a)) seen.add(nameOf(a));
    for (const name of seen) add(out.total, name, ms);
  }
  return out;
}

/**
 * Maps a line of an unminified esbuild bundle to its source module: esbuild opens each module with
 * a `// path` comment (`// src/shared/log.ts`, `// ../node_modules/zod/v4/core/schemas.js`); a
 * package's files are named by the package. Lines of another script keep its file name.
 */
export function bundleModules(bundle: string, bundleUrl: RegExp = /index\.js$/): (url: string, line: number) => string {
  const starts: { line: number; file: string }[] = [];
  bundle.split("\n").forEach((text, line) => {
    const m = /^\/\/ ((?:\.\.\/)*[\w@][^\s]*\.[cm]?[jt]sx?)$/.exec(text);
    if (m) starts.push({ line, file: m[1]!.replace(/^.*?node_modules\/(@[^/]+\/[^/]+|[^/]+)\/.*$/, "node_modules/$1").replace(/^(\.\.\/)+/, "") });
  });
  return (url, line) => {
    if (url === "") return "(native)";
    if (!bundleUrl.test(url) || starts.length === 0) return url.slice(url.lastIndexOf("/") + 1);
    if (line < starts[0]!.line) return "(bundle head)";
    let [lo, hi] = [0, starts.length - 1];
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]!.line <= line) lo = mid;
      else hi = mid - 1;
    }
    return starts[lo]!.file;
  };
}
