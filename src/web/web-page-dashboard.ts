// The operator's page (/dashboard): every user by masked number with their spend, budgets, queue
// and last failure, and the relay's 7-day charts. Never a user's text, only figures.
import type { Child } from "hono/jsx";
import { Fragment } from "hono/jsx/jsx-runtime";
import { formatUsd } from "../shared/format-ago";
import { maskPhone } from "../shared/phone";
import { type DashboardPage, type DayValue, pageTime, sumByModel } from "./web-page-model";
import { byModelLine } from "../usage/spend-replies";
import { barChart } from "./web-page-charts";
import { h } from "./web-page-element";

/** Every user's spend this month by model, in /cost's words (each user's month in their own zone). */
function spendByModel(page: DashboardPage): Child {
  const line = byModelLine(sumByModel(page.users));
  return line === null ? null : h("p", { class: "spend-models" }, "Every user: ", line);
}

export function dashboardBody(page: DashboardPage): Child {
  const totals = (pick: (d: { messages: number; runs: number; failures: number }) => number): DayValue[] => {
    const days = page.users.find((u) => u.stats)?.stats?.days ?? [];
    return days.map((d, i) => ({ day: d.day, value: page.users.reduce((n, u) => n + (u.stats?.days[i] ? pick(u.stats.days[i]!) : 0), 0) }));
  };
  const utc = (at: number | null) => (at === null ? "never" : `${pageTime(at, "UTC")} UTC`);
  return h(
    Fragment,
    null,
    h("header", null, h("h1", null, "Relay dashboard"), h("p", { class: "meta" }, `as of ${utc(page.generatedAt)}`)),
    page.directoryAnswered ? null : h("p", { class: "warn" }, "The directory did not answer: only configured numbers are listed."),
    h(
      "table",
      { class: "users" },
      h(
        "thead",
        null,
        h("tr", null, ...["User", "Today / daily budget", "Month / monthly budget", "Conversations", "Queued", "Held replies", "Last activity", "Last failure", ...(page.machinesMode ? ["Machine", "Archive"] : [])].map((t) => h("th", null, t))),
      ),
      h(
        "tbody",
        null,
        ...page.users.map((u) => {
          const s = u.stats;
          if (!s) return h("tr", null, h("td", null, maskPhone(u.phone)), h("td", { colspan: page.machinesMode ? 9 : 7 }, "did not answer"));
          return h(
            "tr",
            null,
            ...[
              maskPhone(u.phone),
              `${formatUsd(s.spentTodayUsd)} / ${formatUsd(s.dailyBudgetUsd)}`,
              `${formatUsd(s.spentMonthUsd)} / ${s.monthlyBudgetUsd === null ? "no cap" : formatUsd(s.monthlyBudgetUsd)}`,
              String(s.conversations),
              String(s.queued),
              String(s.heldReplies),
              utc(s.lastActiveAt),
              s.lastFailure ? `${utc(s.lastFailure.at)} (${s.lastFailure.outcome})` : "none",
              ...(page.machinesMode ? [s.machineState ?? "none yet", s.archive ?? "none"] : []),
            ].map((t) => h("td", null, t)),
          );
        }),
      ),
    ),
    spendByModel(page),
    h("section", null, h("h2", null, "Messages per day, last 7 days"), barChart(totals((d) => d.messages), "messages", String)),
    h("section", null, h("h2", null, "Runs per day, last 7 days"), barChart(totals((d) => d.runs), "runs", String)),
    h("section", null, h("h2", null, "Failed runs per day, last 7 days"), barChart(totals((d) => d.failures), "failures", String)),
  );
}
