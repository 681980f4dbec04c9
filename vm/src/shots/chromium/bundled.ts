// The Chromium that the @sparticuz/chromium package ships (a Linux x64 build, brotli-compressed),
// unpacked once per version into node_modules/.cache, with the shared libraries it links.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createReadStream, createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pipeline } from "node:stream/promises";
import { createBrotliDecompress } from "node:zlib";

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function packagePaths(): { archives: string; cache: string } {
  const packageDir = dirname(dirname(createRequire(import.meta.url).resolve("@sparticuz/chromium")));
  const { version } = JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8")) as { version: string };
  return { archives: join(packageDir, "bin"), cache: join(packageDir, "../../.cache", `sparticuz-chromium-${version}`) };
}

/** One unpack of each target per process, whoever asks. */
const unpacking = new Map<string, Promise<string>>();

/**
 * Makes `target` once, through a `.partial` of this process's own that is then renamed: test
 * files launching at the same time never use a half-written result, and an interrupted unpack
 * leaves nothing under the final name (its partial is removed by the next unpack).
 */
function unpackOnce(target: string, write: (partial: string) => Promise<void>): Promise<string> {
  let unpacked = unpacking.get(target);
  if (!unpacked) {
    unpacked = unpackAtomically(target, write);
    unpacking.set(target, unpacked);
    // A failure is not remembered: the next launch tries again.
    unpacked.catch(() => unpacking.delete(target));
  }
  return unpacked;
}

async function unpackAtomically(target: string, write: (partial: string) => Promise<void>): Promise<string> {
  if (existsSync(target)) return target;
  const dir = dirname(target);
  mkdirSync(dir, { recursive: true });
  const prefix = `${target.slice(dir.length + 1)}.`;
  for (const name of readdirSync(dir)) {
    const owner = name.startsWith(prefix) && name.endsWith(".partial") ? Number(name.slice(prefix.length).split(".")[0]) : NaN;
    if (owner > 0 && !isAlive(owner)) rmSync(join(dir, name), { recursive: true, force: true });
  }
  const partial = `${target}.${process.pid}.${randomBytes(4).toString("hex")}.partial`;
  try {
    await write(partial);
    renameSync(partial, target);
  } catch (error) {
    // Another process may have won the race (a directory cannot be renamed over one); its result is as good as ours.
    if (!existsSync(target)) throw error;
  } finally {
    rmSync(partial, { recursive: true, force: true });
  }
  return target;
}

/** The browser binary. */
export function unpackBundledChromium(): Promise<string> {
  const { archives, cache } = packagePaths();
  return unpackOnce(join(cache, "chromium"), (partial) =>
    pipeline(createReadStream(join(archives, "chromium.br")), createBrotliDecompress(), createWriteStream(partial, { mode: 0o755 })),
  );
}

/**
 * NSS and expat as the package ships them for Amazon Linux 2023, for a system that lacks them.
 * Built for a newer glibc (2.34) than the binary needs (2.25), so only a fallback, never first.
 */
export async function unpackBundledLibraries(): Promise<string> {
  const { archives, cache } = packagePaths();
  const root = await unpackOnce(join(cache, "al2023"), async (partial) => {
    mkdirSync(partial);
    const tar = spawn("tar", ["-x", "-C", partial], { stdio: ["pipe", "ignore", "inherit"] });
    const finished = new Promise<void>((resolve, reject) => {
      tar.once("error", reject);
      tar.once("close", (code) => (code === 0 ? resolve() : reject(new Error(`tar exited with code ${code}`))));
    });
    await Promise.all([pipeline(createReadStream(join(archives, "al2023.tar.br")), createBrotliDecompress(), tar.stdin), finished]);
  });
  return join(root, "lib");
}
