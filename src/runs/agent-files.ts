// The agent's send_file tool, relay side: the VM has checked and staged the file; here it joins
// the outbox in order with the text replies, once per call (a replayed event adds nothing), and
// the outbox copies it into R2 (agentFileCopier) and sends it (outbox.copyFiles, then sendDue with a MediaUrl).
import { SendFileCallArgsSchema } from "../protocol/vm/files";
import { outboxKeys } from "../outbox/outbox-keys";
import type { ToolAnswer } from "./vm-answers-repo";
import type { Outbox, OutboxFiles } from "../outbox/outbox-unit";
import { FILE_CALL_TIMEOUT_MS, type VmClient } from "../machines/vm-client";
import { withDeadline } from "../shared/deadline";
import { type MediaStore, storeOutbound } from "../media/media-store";

/** `tag`: the conversation's `[name] ` when the file must say where it came from (several runs live), else "". */
export function queueAgentFile(outbox: Pick<Outbox, "add">, canSend: boolean, args: Record<string, unknown>, call: { vmRunId: string; callId: string }, now: number, tag = ""): ToolAnswer {
  if (!canSend) return { ok: false, text: "Files cannot be sent from this relay: it has no media storage configured. Put what matters in your reply instead." };
  const parsed = SendFileCallArgsSchema.safeParse(args);
  if (!parsed.success) return { ok: false, text: "The VM described the file in a way the relay cannot read; nothing was sent." };
  const { fileId, name, contentType, size, caption } = parsed.data;
  outbox.add({ dedupeKey: outboxKeys.agentFile(call.vmRunId, call.callId), body: `${tag}${caption ?? ""}`.trimEnd(), media: { source: { vmRunId: call.vmRunId, fileId, name, contentType, size } }, now });
  return { ok: true, text: `${name} is queued for the user; it goes out to their chat in order with your replies.` };
}

/**
 * How the outbox has the agent's files: copied from the VM's staging into R2, then linked for
 * Twilio to fetch. Null without R2, keys or a VM: no file can be sent.
 */
export function agentFileCopier(o: { vm: Pick<VmClient, "stagedFile"> | null; store: (() => Promise<MediaStore>) | null; owner: string; link: OutboxFiles["link"] }): OutboxFiles | null {
  const { vm, store } = o;
  if (!vm || !store) return null;
  return {
    copy(source) {
      // One deadline for the call and the copy of its body into R2, its timer gone with them.
      return withDeadline(FILE_CALL_TIMEOUT_MS, async (signal) => {
        const got = await vm.stagedFile(source.vmRunId, source.fileId, signal);
        if (!got.ok) return got.failure === "gone" ? { ok: false, reason: "the agent VM no longer has the file", retry: false } : { ok: false, reason: "the agent VM did not answer", retry: true };
        const stored = await storeOutbound(await store(), { owner: o.owner, body: got.body, filename: source.name, declaredType: source.contentType });
        return stored.ok ? { ok: true, stored: { key: stored.key, createdAt: stored.createdAt, contentType: stored.contentType } } : { ok: false, reason: stored.reason, retry: false };
      });
    },
    link: o.link,
  };
}
