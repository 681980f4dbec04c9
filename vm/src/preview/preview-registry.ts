// The preview servers kept for their conversations: one per (user, conversation), the only thing
// an agent starts that outlives its run (docs/vm.md, "What the agent can reach").
// The process has one registry (`previewOf` reads it): the proxy route, /shot's shooter and the
// relay tool all ask the same one.

/** A kept preview server: where it listens, its process (group leader), what started it and when. */
export type KeptPreview = { port: number; pid: number; command: string; startedAt: number };

const keyOf = (user: string, conversation: string) => `${user}\u0000${conversation}`;

export type PreviewRegistry = {
  of(user: string, conversation: string): KeptPreview | null;
  keep(user: string, conversation: string, preview: KeptPreview): void;
  /** Forgets the entry only while it is still `pid`'s: a newer server of the conversation stays. */
  forget(user: string, conversation: string, pid?: number): void;
  /** Every kept server, for /status and the idle and suspension ends. */
  all(): { user: string; conversation: string; preview: KeptPreview }[];
};

export function createPreviewRegistry(): PreviewRegistry {
  const kept = new Map<string, { user: string; conversation: string; preview: KeptPreview }>();
  return {
    of: (user, conversation) => kept.get(keyOf(user, conversation))?.preview ?? null,
    keep: (user, conversation, preview) => void kept.set(keyOf(user, conversation), { user, conversation, preview }),
    forget: (user, conversation, pid) => {
      const key = keyOf(user, conversation);
      if (pid === undefined || kept.get(key)?.preview.pid === pid) kept.delete(key);
    },
    all: () => [...kept.values()],
  };
}

/** The VM process's registry. */
export const previews = createPreviewRegistry();

/** The conversation's kept preview server, or null: `user` is the relay's user id, `conversation` its workspace id. */
export function previewOf(user: string, conversation: string): KeptPreview | null {
  return previews.of(user, conversation);
}
