// Whether `npm start` passes its children's colour codes on: only to a terminal, and never with
// NO_COLOR (https://no-color.org: present and not empty); FORCE_COLOR asks for them anyway (as
// Node's own tools read it: `0` or `false` turns them off). Elsewhere (a file, a pipe) they would
// be text. Pure.
import { stripVTControlCharacters } from "node:util";

export function colourAllowed(o: { isTTY: boolean; env: Readonly<Record<string, string | undefined>> }): boolean {
  if (o.env.NO_COLOR !== undefined && o.env.NO_COLOR !== "") return false;
  const force = o.env.FORCE_COLOR;
  if (force !== undefined) return force !== "0" && force.toLowerCase() !== "false";
  return o.isTTY;
}

/** A line as it is shown: its colour codes kept, or removed. */
export function coloured(line: string, allowed: boolean): string {
  return allowed ? line : stripVTControlCharacters(line);
}
