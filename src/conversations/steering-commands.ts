// What /model, /effort and /plan on|off do: the current conversation's row, then the answer. Its
// runs read the row at their start (runs/run-input.ts), so a choice applies from the next run.
import type { Conversations } from "./conversations-unit";
import { NO_CURRENT_CONVERSATION } from "./conversations-replies";
import { effortReply, modelReply, planReply, type EffortCommand, type ModelCommand, type PlanCommand } from "./steering";

type Deps = { conversations: Pick<Conversations, "current" | "repo"> };

export function steerCommand(d: Deps, command: ModelCommand | EffortCommand | Exclude<PlanCommand, { action: "prompt" }>): string {
  const current = d.conversations.current();
  if (!current) return NO_CURRENT_CONVERSATION;
  switch (command.type) {
    case "model": {
      if (command.model === null) return modelReply(current.name, current.model, false);
      const model = command.model === "default" ? null : command.model;
      d.conversations.repo.setModel(current.id, model);
      return modelReply(current.name, model, true);
    }
    case "effort": {
      if (command.effort === null) return effortReply(current.name, current.effort, false);
      const effort = command.effort === "default" ? null : command.effort;
      d.conversations.repo.setEffort(current.id, effort);
      return effortReply(current.name, effort, true);
    }
    case "plan": {
      if (command.action === "show") return planReply(current.name, current.planMode, false);
      const on = command.action === "on";
      d.conversations.repo.setPlanMode(current.id, on);
      // Off is off: a task planned by /plan <task> and not yet approved is not planned again either.
      if (!on) d.conversations.repo.setPlanNext(current.id, false);
      return planReply(current.name, on, true);
    }
  }
}
