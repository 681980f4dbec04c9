// Every capability's buttons' toasts, joined: what Telegram's short answer to a tap says
// (channels/telegram/keyboard.ts tapAnswerText), each declared beside its buttons. A capability
// with new buttons adds its line here; channels/ names none of them.
import type { TapToastOf } from "../channels/channel";
import { approvalTapToast } from "../approvals/approvals";
import { planTapToast } from "../approvals/plan-card";
import { undoTapToast } from "../changes/run-change";
import { shipTapToast } from "../github/ship";

export const TAP_TOASTS: readonly TapToastOf[] = [approvalTapToast, undoTapToast, shipTapToast, planTapToast];
