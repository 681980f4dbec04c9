// The private page's one script (served as /web/review.js: CSP `default-src 'self'` runs no inline
// script): tapping a diff's line, or a file's header, opens a comment box under it; comments go to
// the relay's draft (POST/DELETE under the page's link) and "Send review" sends the draft. Made for
// a thumb: no hover, every control at least 44 px, the box kept in view above the keyboard. The
// page reads without it; it only adds the controls. Text from the page is set as text, never HTML.
export const REVIEW_SCRIPT = `"use strict";
(function () {
  var panels = document.querySelectorAll("section.review[data-base]");
  if (panels.length === 0) return;
  var open = null;

  function count(n) {
    return n === 0 ? "No comments in your draft review." : n + " " + (n === 1 ? "comment" : "comments") + " in your draft review.";
  }
  function anchor(c) {
    return c.side === "file" || c.line === null ? c.file + " (the whole file)" : c.file + ", " + c.side + " line " + c.line;
  }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function button(cls, text) {
    var b = el("button", cls, text);
    b.type = "button";
    return b;
  }
  function status(panel, text, isError) {
    var p = panel.querySelector(".review-status");
    p.textContent = text;
    p.hidden = text === "";
    p.classList.toggle("review-error", Boolean(isError));
  }
  function call(panel, method, path, body) {
    var init = { method: method, headers: { "content-type": "application/json" }, credentials: "same-origin" };
    if (body !== undefined) init.body = JSON.stringify(body);
    return fetch(panel.dataset.base + path, init).then(function (r) {
      return r.text().then(function (text) {
        var json = null;
        try { json = JSON.parse(text); } catch (e) { json = null; }
        if (r.ok && json) return json;
        throw new Error(json && json.error ? json.error : r.status === 404 ? "This link has expired or was revoked: ask for a new one with /web." : "The relay did not answer (" + r.status + "): try again.");
      });
    });
  }
  function diffsOf(panel) {
    return document.querySelectorAll('.diff[data-review="' + panel.id + '"]');
  }
  function lineOf(panel, c) {
    var found = null;
    diffsOf(panel).forEach(function (diff) {
      if (diff.dataset.change !== c.changeId) return;
      diff.querySelectorAll("tr[data-side]").forEach(function (tr) {
        if (tr.dataset.file === c.file && tr.dataset.side === c.side && tr.dataset.line === String(c.line)) found = tr;
      });
    });
    return found;
  }
  function markCommented(panel, comments) {
    diffsOf(panel).forEach(function (diff) {
      diff.querySelectorAll("tr.review-commented").forEach(function (tr) { tr.classList.remove("review-commented"); });
    });
    comments.forEach(function (c) {
      var tr = c.line === null ? null : lineOf(panel, c);
      if (tr) tr.classList.add("review-commented");
    });
  }
  // The panel as the relay's draft says, after every change (and the comments on the page at load).
  function show(panel, draft) {
    var comments = draft ? draft.comments : [];
    panel.dataset.draft = draft ? draft.id : "";
    panel.querySelector(".review-count").textContent = count(comments.length);
    var list = panel.querySelector(".review-comments");
    list.textContent = "";
    comments.forEach(function (c) {
      var li = el("li");
      li.dataset.comment = String(c.id);
      li.appendChild(el("p", "review-anchor", anchor(c)));
      if (c.lineText) li.appendChild(el("pre", "review-line", c.lineText));
      li.appendChild(el("p", "review-body", c.body));
      li.appendChild(button("review-delete", "Delete"));
      list.appendChild(li);
    });
    panel.querySelector(".review-send").disabled = comments.length === 0;
    markCommented(panel, comments);
  }
  function fromPage(panel) {
    var comments = [];
    panel.querySelectorAll(".review-comments li[data-comment]").forEach(function (li) {
      var line = li.dataset.commentLine;
      comments.push({
        id: Number(li.dataset.comment), file: li.dataset.commentFile, side: li.dataset.commentSide, line: line ? Number(line) : null, changeId: li.dataset.commentChange,
        lineText: (li.querySelector(".review-line") || { textContent: "" }).textContent, body: li.querySelector(".review-body").textContent,
      });
    });
    return comments.length > 0 ? { id: panel.dataset.draft, comments: comments } : null;
  }

  function close() {
    if (!open) return;
    open.row.remove();
    open.target.classList.remove("review-tapped");
    open = null;
  }
  // Keeps the box above the keyboard: the visual viewport shrinks when it opens.
  function keepInView() {
    if (!open) return;
    var view = window.visualViewport;
    var rect = open.box.getBoundingClientRect();
    var bottom = view ? view.height + view.offsetTop : window.innerHeight;
    if (rect.bottom > bottom || rect.top < 0) open.box.scrollIntoView({ block: "end" });
  }
  if (window.visualViewport) window.visualViewport.addEventListener("resize", keepInView);

  function openBox(panel, diff, target) {
    close();
    var c = { changeId: diff.dataset.change, file: target.dataset.file, side: target.dataset.side, line: target.dataset.line ? Number(target.dataset.line) : null };
    var ctn = target.querySelector(".d2h-code-line-ctn");
    c.lineText = c.side === "file" || !ctn ? "" : ctn.textContent;
    var box = el("div", "review-box");
    box.appendChild(el("p", "review-anchor", "Comment on " + anchor(c)));
    var text = el("textarea");
    text.setAttribute("aria-label", "Your comment on " + anchor(c));
    text.maxLength = 2000;
    box.appendChild(text);
    var error = el("p", "review-error");
    error.setAttribute("role", "alert");
    error.hidden = true;
    box.appendChild(error);
    var add = button("review-add", "Add comment");
    var cancel = button("review-cancel", "Cancel");
    box.appendChild(add);
    box.appendChild(cancel);
    var row;
    if (target.tagName === "TR") {
      row = el("tr", "review-box-row");
      var td = el("td");
      td.colSpan = target.children.length || 2;
      td.appendChild(box);
      row.appendChild(td);
    } else {
      row = box;
    }
    target.after(row);
    target.classList.add("review-tapped");
    open = { row: row, box: box, target: target };
    cancel.addEventListener("click", close);
    add.addEventListener("click", function () {
      if (text.value.trim() === "") { error.textContent = "Write a comment first."; error.hidden = false; return; }
      add.disabled = true;
      c.body = text.value;
      call(panel, "POST", "/review/comments", c).then(function (answer) {
        close();
        show(panel, answer.draft);
        status(panel, "", false);
      }, function (e) {
        add.disabled = false;
        error.textContent = e.message;
        error.hidden = false;
      });
    });
    text.focus({ preventScroll: true });
    box.scrollIntoView({ block: "center" });
  }

  panels.forEach(function (panel) {
    panel.querySelectorAll("[hidden]").forEach(function (e) {
      if (!e.classList.contains("review-status")) e.hidden = false;
    });
    show(panel, fromPage(panel));
    diffsOf(panel).forEach(function (diff) {
      diff.addEventListener("click", function (event) {
        if (event.target.closest(".review-box")) return;
        var target = event.target.closest("[data-file][data-side]");
        if (!target || !diff.contains(target)) return;
        if (open && open.target === target) return;
        openBox(panel, diff, target);
      });
    });
    panel.addEventListener("click", function (event) {
      var del = event.target.closest(".review-delete");
      if (del) {
        del.disabled = true;
        call(panel, "DELETE", "/review/comments/" + del.closest("li").dataset.comment).then(function (answer) {
          show(panel, answer.draft);
        }, function (e) {
          del.disabled = false;
          status(panel, e.message, true);
        });
      }
      var send = event.target.closest(".review-send");
      if (send && !send.disabled) {
        send.disabled = true;
        var sent = panel.querySelectorAll(".review-comments li").length;
        call(panel, "POST", "/review/send", { draftId: panel.dataset.draft }).then(function (answer) {
          show(panel, answer.draft);
          status(panel, answer.sent === "already" ? "This review was sent already." : "Sent to the agent: " + sent + " " + (sent === 1 ? "comment" : "comments") + ". Its answer comes in the chat.", false);
        }, function (e) {
          send.disabled = false;
          status(panel, e.message, true);
        });
      }
    });
  });
})();
`;
