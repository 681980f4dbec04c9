// Text that should hold JSON of a known shape (a stored setting, a row's column, a line of a
// stream): read leniently where unreadable means "none", never an exception. Pure.

/** What `schema` reads from `text` parsed as JSON, or null when it is not JSON or not that shape. */
export function readJson<T>(schema: { safeParse(value: unknown): { success: true; data: T } | { success: false } }, text: string): T | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  const parsed = schema.safeParse(value);
  return parsed.success ? parsed.data : null;
}
