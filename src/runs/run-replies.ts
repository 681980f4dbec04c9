// What a run says of itself when the VM refused what it was given. Pure: run-effects.ts writes it.

/** Said once, when the model the conversation named is refused: the run goes on with the default. */
export function modelRefusedNotice(conversation: string, model: string): string {
  return `[${conversation}] The model ${model} is not available to this account, so the agent uses the default model again. /model to choose another.`;
}
