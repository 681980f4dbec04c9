// The agent's send_file tool, relay side: the VM has checked and staged the file; here it joins
// the outbox in order with the text replies, once per call (a replayed event adds nothing), and
// the outbox copies it into R2 and sends it (outbox.copyFiles, then sendDue with a MediaUrl).
import { SendFileCallArgsSchema } from "../../protocol/vm-protocol";
import { outboxKeys } from "../../core/outbox-keys";
import type { ToolAnswer } from "../db/vm-answers-repo";
import type { Outbox } from "./outbox";

export function queueAgentFile(outbox: Pick<Outbox, "add">, canSend: boolean, args: Record<string, unknown>, call: { vmRunId: string; callId: string }, now: number): ToolAnswer {
  if (!canSend) return { ok: false, text: "Files cannot be sent from this relay: it has no media storage configured. Put what matters in your reply instead." };
  const parsed = SendFileCallArgsSchema.safeParse(args);
  if (!parsed.success) return { ok: false, text: "The VM described the file in a way the relay cannot read; nothing was sent." };
  const { fileId, name, contentType, size, caption } = parsed.data;
  outbox.add({ dedupeKey: outboxKeys.agentFile(call.vmRunId, call.callId), body: caption ?? "", media: { source: { vmRunId: call.vmRunId, fileId, name, contentType, size } }, now });
  return { ok: true, text: `${name} is queued for the user on WhatsApp; it goes out in order with your replies.` };
}
