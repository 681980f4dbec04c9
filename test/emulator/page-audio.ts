// A page's audio in headless Chromium: played until a quarter second of it has gone by, to see that
// the browser decodes it. Waited for by the media's own time, not a wall-clock pause (a loaded
// machine plays slowly), with a deadline for audio that never moves.
import type { Locator } from "playwright-core";

/** Plays a page's `<audio>`, muted, until 0.25 s of it has played (or 15 s pass): how far it got, and its media error code (null: none). */
export function playBriefly(audio: Locator): Promise<{ at: number; error: number | null }> {
  return audio.evaluate(async (a: HTMLAudioElement) => {
    a.muted = true;
    await a.play().catch(() => undefined);
    await new Promise<void>((resolve) => {
      const deadline = setTimeout(finish, 15_000);
      function finish() {
        clearTimeout(deadline);
        a.removeEventListener("timeupdate", check);
        a.removeEventListener("error", finish);
        resolve();
      }
      function check() {
        if (a.currentTime >= 0.25 || a.ended) finish();
      }
      a.addEventListener("timeupdate", check);
      a.addEventListener("error", finish);
      check();
    });
    a.pause();
    return { at: a.currentTime, error: a.error?.code ?? null };
  });
}
