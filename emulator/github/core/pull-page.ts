// The stand-in's web pages, as HTML: a pull request (its diff, checks, reviews and comments, and
// forms that do what CI and people do on GitHub) and a repository's "Add webhook" settings page.
// Pure: the routes read the records and the diff, and post the forms to the control routes.

export type PullPageInput = {
  repo: string;
  pull: { number: number; title: string; state: "open" | "closed"; merged: boolean; head: string; base: string; headSha: string; user: string };
  diff: string | null;
  checks: Array<{ name: string; conclusion: string | null; summary: string }>;
  reviews: Array<{ user: string; state: string; body: string }>;
  comments: Array<{ user: string; body: string }>;
  hooks: number;
  /** What the last form did, shown once at the top (from the redirect's query). */
  notice: string | null;
};

const escape = (text: string) => text.replace(/[&<>"']/g, (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[ch]!);

const STYLE = `body{font:15px/1.45 system-ui,sans-serif;margin:0 auto;max-width:980px;padding:12px;color:#1f2328}
h1{font-size:1.3em;margin:.2em 0}h2{font-size:1.05em;margin:1.2em 0 .4em;border-bottom:1px solid #d1d9e0}
.state{display:inline-block;padding:2px 10px;border-radius:2em;color:#fff;background:#1f883d}.closed{background:#cf222e}.merged{background:#8250df}
.meta{color:#59636e}.notice{background:#ddf4ff;border:1px solid #54aeff;padding:6px 10px;border-radius:6px}
pre.diff{overflow-x:auto;border:1px solid #d1d9e0;border-radius:6px;font:12px/1.4 ui-monospace,monospace;padding:0}
pre.diff span{display:block;padding:0 8px;white-space:pre-wrap;word-break:break-all}.add{background:#dafbe1}.del{background:#ffebe9}.hunk{background:#ddf4ff;color:#59636e}.file{background:#f6f8fa;font-weight:600}
form{display:flex;flex-wrap:wrap;gap:6px;align-items:center;margin:.4em 0}input,select,textarea{font:inherit;box-sizing:border-box;max-width:100%}textarea{width:100%;min-height:3em}
button{font:inherit;padding:4px 12px;border-radius:6px;border:1px solid #d1d9e0;background:#f6f8fa;cursor:pointer}
.fail{color:#cf222e}.pass{color:#1f883d}li{margin:.2em 0}`;

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escape(title)}</title><style>${STYLE}</style></head><body>${body}</body></html>`;
}

function diffHtml(diff: string | null): string {
  if (diff === null) return `<p class="meta">The diff could not be read.</p>`;
  if (diff.trim() === "") return `<p class="meta">No changes.</p>`;
  const line = (text: string) => {
    const kind = text.startsWith("diff --git") ? "file" : text.startsWith("@@") ? "hunk" : text.startsWith("+") && !text.startsWith("+++") ? "add" : text.startsWith("-") && !text.startsWith("---") ? "del" : "";
    return `<span${kind ? ` class="${kind}"` : ""}>${escape(text) || " "}</span>`;
  };
  return `<pre class="diff">${diff.replace(/\n$/, "").split("\n").map(line).join("")}</pre>`;
}

export function pullPageHtml(p: PullPageInput): string {
  const { pull } = p;
  const state = pull.merged ? "merged" : pull.state;
  const action = (what: string) => `/${p.repo}/pull/${pull.number}/${what}`;
  const checks = p.checks.length === 0
    ? `<p class="meta">No checks on ${escape(pull.headSha.slice(0, 7))} yet.</p>`
    : `<ul>${p.checks.map((c) => `<li class="${c.conclusion === "failure" ? "fail" : c.conclusion === "success" ? "pass" : ""}">${c.conclusion === "failure" ? "✗" : c.conclusion === "success" ? "✓" : "•"} <b>${escape(c.name)}</b>: ${escape(c.conclusion ?? "pending")} — ${escape(c.summary)}</li>`).join("")}</ul>`;
  const talk = [...p.reviews.map((r) => `<li><b>@${escape(r.user)}</b> ${escape(r.state.toLowerCase().replace(/_/g, " "))}${r.body ? `: ${escape(r.body)}` : ""}</li>`), ...p.comments.map((c) => `<li><b>@${escape(c.user)}</b>: ${escape(c.body)}</li>`)];
  const open = pull.state === "open";
  const forms = open
    ? `<h2>Do what CI and people do</h2>
<p class="meta">Each button tells the repository's webhooks (${p.hooks === 0 ? `none yet: add one in <a href="/${p.repo}/settings/hooks/new">Settings → Webhooks</a>` : `${p.hooks} hook${p.hooks === 1 ? "" : "s"}`}) what GitHub would.</p>
<form method="post" action="${action("checks")}"><input name="name" value="test" aria-label="check name" size="10"><textarea name="summary" aria-label="check summary" placeholder="summary (what failed)"></textarea><button name="conclusion" value="failure">Fail the check</button><button name="conclusion" value="success">Pass the check</button></form>
<form method="post" action="${action("reviews")}"><select name="event" aria-label="review"><option value="REQUEST_CHANGES">Request changes</option><option value="APPROVE">Approve</option><option value="COMMENT">Comment</option></select><input name="path" placeholder="file (optional)" aria-label="file" size="14"><input name="line" placeholder="line" aria-label="line" size="4" inputmode="numeric"><textarea name="body" aria-label="review text" placeholder="review text"></textarea><button>Submit review</button></form>
<form method="post" action="${action("comments")}"><textarea name="body" aria-label="comment" placeholder="comment (/agent … asks the agent)" required></textarea><button>Comment</button></form>
<form method="post" action="${action("merge")}"><button>Merge pull request</button></form>
<form method="post" action="${action("close")}"><button>Close without merging</button></form>`
    : "";
  return page(
    `${pull.title} · ${p.repo}#${pull.number}`,
    `${p.notice ? `<p class="notice" role="status">${escape(p.notice)}</p>` : ""}
<h1>${escape(pull.title)} <span class="meta">#${pull.number}</span></h1>
<p><span class="state ${state}">${state}</span> <span class="meta">@${escape(pull.user)} wants to merge <code>${escape(pull.head)}</code> into <code>${escape(pull.base)}</code> of ${escape(p.repo)} (GitHub stand-in)</span></p>
<h2>Checks</h2>${checks}
${talk.length > 0 ? `<h2>Conversation</h2><ul>${talk.join("")}</ul>` : ""}
${forms}
<h2>Files changed</h2>${diffHtml(p.diff)}`,
  );
}

/** GitHub's Settings → Webhooks → Add webhook, with the fields the relay's /github watch names. */
export function addWebhookPageHtml(input: { repo: string; hooks: Array<{ id: number; url: string }>; notice: string | null }): string {
  const listed = input.hooks.length === 0 ? `<p class="meta">No webhooks yet.</p>` : `<ul>${input.hooks.map((h) => `<li>#${h.id} ${escape(h.url)}</li>`).join("")}</ul>`;
  return page(
    `Add webhook · ${input.repo}`,
    `${input.notice ? `<p class="notice" role="status">${escape(input.notice)}</p>` : ""}
<h1>${escape(input.repo)} · Settings → Webhooks</h1>
<h2>Webhooks</h2>${listed}
<h2>Add webhook</h2>
<form method="post" action="/${input.repo}/settings/hooks/new" style="flex-direction:column;align-items:stretch">
<label>Payload URL <input name="url" type="url" required style="width:100%"></label>
<label>Content type <select name="contentType"><option value="json">application/json</option><option value="form">application/x-www-form-urlencoded</option></select></label>
<label>Secret <input name="secret" style="width:100%"></label>
<p class="meta">Events: every event the stand-in sends (pull requests, check runs and suites, reviews and their comments, issues, issue comments).</p>
<button>Add webhook</button></form>`,
  );
}
