// Which messages a relay's log says it stored: its `message_queued` lines. A line names every
// message of a burst (`messageIds`, in queue order); relays before that named one (`messageId`).
// Pure: log lines arrive as data.

type LogLine = Readonly<Record<string, unknown>>;

/** The ids a line records as stored, in queue order; none for any other line. */
export function queuedIds(line: LogLine): string[] {
  if (line.event !== "message_queued") return [];
  if (Array.isArray(line.messageIds)) return line.messageIds.map(String);
  return line.messageId === undefined ? [] : [String(line.messageId)];
}

/** Every stored id of a log, in the order the lines recorded them. */
export function queuedOrder(logs: readonly LogLine[]): string[] {
  return logs.flatMap(queuedIds);
}
