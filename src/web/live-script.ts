// The page's live script (served as /web/live.js, loaded by a conversation's page): it opens the
// page's socket (/web/<token>/live?since=<last event it has>), shows the live part (hidden while no
// run is going) when a run starts, adds each event under "Live" as it comes (an edit's question with
// its picture, where the chat got one), says "live" once it has caught up and "reconnecting" when its
// heartbeat goes unanswered or the socket closes, and reconnects from its last number (an event
// already shown is never added twice). A page closed for newer ones (too many open) stays closed.
// A link sent within the hour also gets "Stop the run" and an approval's Yes / No (a plan's three
// answers, as its card in the chat has them). Text from the relay is set as text, never HTML.
import { DIFF_FOLD, PICTURE_ALT, PLAN_LABEL } from "./web-live";
import { PLAN_PAGE_TITLES } from "../approvals/plan-card";
import { LIVE_CROWDED } from "./live-caps";
export const LIVE_SCRIPT = `"use strict";
(function () {
  var PICTURE_ALT = ${JSON.stringify(PICTURE_ALT)}, DIFF_FOLD = ${JSON.stringify(DIFF_FOLD)}, PLAN_LABEL = ${JSON.stringify(PLAN_LABEL)};
  var PLAN_ANSWERS = ${JSON.stringify(Object.entries(PLAN_PAGE_TITLES))};
  var CROWDED = [${LIVE_CROWDED.link}, ${LIVE_CROWDED.user}];
  var box = document.querySelector("section.live[data-live]");
  if (!box || !window.WebSocket) return;
  var list = box.querySelector(".live-events");
  var state = box.querySelector(".live-state");
  var note = box.querySelector(".live-note");
  var stop = box.querySelector(".live-stop");
  var path = box.getAttribute("data-live");
  var last = Number(box.getAttribute("data-since")) || 0;
  var running = box.getAttribute("data-running") === "1";
  var canAct = false, retry = 0, socket = null, ended = false, pending = null;
  // The heartbeat: a ping every HEARTBEAT_MS, which the relay answers without waking the object; a
  // ping unanswered for SILENT_MS means the network is gone (an offline phone closes nothing).
  var HEARTBEAT_MS = 2500, SILENT_MS = 5000, unansweredSince = 0;
  // A socket still opening after OPENING_MS (a network that swallows the handshake) is tried again.
  var OPENING_MS = 10000, openingSince = 0;
  var KINDS = { start: "Started", tool: "Tool", text: "Agent", approval: "Asks", answered: "Answered", change: "Change", end: "Done", failed: "Ended" };

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function say(text, isError) {
    note.hidden = !text;
    note.textContent = text || "";
    note.className = "live-note" + (isError ? " live-error" : "");
  }
  function show(word) {
    state.hidden = false;
    state.textContent = word;
    state.className = "live-state " + word;
  }
  function controls() {
    stop.hidden = !(canAct && running);
    var asks = list.querySelectorAll("li.approval[data-open] .live-answer");
    for (var i = 0; i < asks.length; i++) asks[i].hidden = !canAct;
  }
  function act(body, done) {
    var xhr = new XMLHttpRequest();
    xhr.open("POST", path + "/act");
    xhr.setRequestHeader("content-type", "application/json");
    xhr.onload = function () {
      var answer = {};
      try { answer = JSON.parse(xhr.responseText); } catch (e) {}
      if (xhr.status === 200) say(answer.said || "Done.");
      else say(answer.error || "That did not work (" + xhr.status + "). Reload the page and try again.", true);
      if (done) done(xhr.status === 200, xhr.status, answer.error || "");
    };
    xhr.onerror = function () { say("The relay did not answer. Try again.", true); if (done) done(false); };
    xhr.send(JSON.stringify(body));
  }
  function answerButton(li, id, word, label, plan) {
    var b = el("button", "live-answer", label);
    b.type = "button";
    b.addEventListener("click", function () {
      var all = li.querySelectorAll("button");
      for (var i = 0; i < all.length; i++) all[i].disabled = true;
      act(plan ? { kind: "plan", approvalId: id, choice: word } : { kind: "answer", approvalId: id, answer: word }, function (ok, status, error) {
        for (var i = 0; i < all.length; i++) all[i].disabled = ok;
        // Answered elsewhere first (the chat): the question is closed here too.
        if (status === 409) closeApproval(id, error);
      });
    });
    return b;
  }
  function closeApproval(id, text) {
    var li = list.querySelector('li.approval[data-approval="' + id + '"]');
    if (!li) return;
    li.removeAttribute("data-open");
    var all = li.querySelectorAll("button");
    for (var i = 0; i < all.length; i++) all[i].parentNode.removeChild(all[i]);
    li.appendChild(el("p", "live-said", text));
  }
  function offerAnswers(li, id) {
    li.setAttribute("data-open", "");
    var p = el("p", "live-buttons");
    if (li.hasAttribute("data-plan")) {
      for (var i = 0; i < PLAN_ANSWERS.length; i++) p.appendChild(answerButton(li, id, PLAN_ANSWERS[i][0], PLAN_ANSWERS[i][1], true));
    } else {
      p.appendChild(answerButton(li, id, "yes", "Yes, allow"));
      p.appendChild(answerButton(li, id, "no", "No"));
    }
    li.appendChild(p);
  }
  // What the user writes or reads below the live part (a review, its comment box) stays where it is
  // on the screen when the live part appears or grows above it: a browser's own scroll anchoring
  // does nothing for a page scrolled to its top, which a short page on a phone is.
  function below(node) {
    return node && node !== document.body && node !== document.documentElement && !box.contains(node) && (box.compareDocumentPosition(node) & 4) !== 0 ? node : null;
  }
  function steadily(change) {
    var w = window.innerWidth / 2, h = window.innerHeight;
    var anchor = below(document.activeElement) || below(document.elementFromPoint(w, h / 2)) || below(document.elementFromPoint(w, h - 8));
    var before = anchor ? anchor.getBoundingClientRect().top : 0;
    change();
    var moved = anchor ? anchor.getBoundingClientRect().top - before : 0;
    if (moved !== 0) window.scrollBy(0, moved);
  }
  function add(e) {
    if (e.kind === "answered") closeApproval(e.approvalId, e.text);
    var li = el("li", e.kind);
    li.setAttribute("data-seq", String(e.seq));
    var when = new Date(e.at);
    li.appendChild(el("time", null, when.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" })));
    li.appendChild(el("b", null, " " + (e.plan ? PLAN_LABEL : KINDS[e.kind] || e.kind) + " "));
    li.appendChild(el("span", "live-text", e.kind === "approval" && !e.plan ? e.tool + " " + e.text : e.text));
    if (e.plan) li.setAttribute("data-plan", "");
    if (e.kind === "approval") {
      if (e.picture) {
        // The edit as the chat's picture, under the page's own link (it ends with the link).
        var img = el("img", "live-picture");
        img.alt = PICTURE_ALT;
        img.src = path + "/picture/" + e.approvalId;
        li.appendChild(img);
      }
      if (e.diff) {
        // The diff as text once, folded under the picture (open when there is none).
        var fold = el("details", "live-fold");
        fold.open = !e.picture;
        fold.appendChild(el("summary", null, DIFF_FOLD));
        fold.appendChild(el("pre", "live-diff", e.diff));
        li.appendChild(fold);
      }
      li.setAttribute("data-approval", String(e.approvalId));
      offerAnswers(li, e.approvalId);
    }
    running = e.kind !== "end" && e.kind !== "failed";
    list.appendChild(li);
    // A page opened with no run going: its live part shows from the run's first event.
    box.hidden = false;
    controls();
  }
  function again(ms) {
    if (pending !== null || ended) return;
    pending = setTimeout(function () { pending = null; connect(); }, ms);
  }
  // A socket the network dropped without a word: let go of it (its close may never come) and open another.
  function dropped() {
    var gone = socket;
    socket = null;
    unansweredSince = 0;
    if (gone) {
      gone.onopen = gone.onmessage = gone.onclose = null;
      try { gone.close(); } catch (x) {}
    }
    show("reconnecting");
    again(0);
  }
  function connect() {
    if (socket || ended) return;
    var url = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + path + "?since=" + last;
    var ws = new WebSocket(url);
    socket = ws;
    openingSince = Date.now();
    unansweredSince = 0;
    ws.onopen = function () { retry = 0; };
    ws.onmessage = function (m) {
      unansweredSince = 0;
      var e;
      try { e = JSON.parse(m.data); } catch (x) { return; }
      steadily(function () { receive(e); });
    };
    ws.onclose = function (c) {
      if (socket === ws) socket = null;
      unansweredSince = 0;
      steadily(function () { closed(c); });
    };
  }
  function receive(e) {
    // "live" once the page has what it missed, not when the socket opens.
    if (e.type === "caught_up") show("live");
    else if (e.type === "hello") {
      canAct = e.canAct === true;
      if (e.note) say(e.note);
      controls();
    } else if (typeof e.seq === "number" && e.seq > last) {
      last = e.seq;
      add(e);
    }
  }
  function closed(c) {
    if (CROWDED.indexOf(c.code) >= 0) {
      // Too many pages watch: the newest stay. This one does not take its place back by itself.
      ended = true;
      canAct = false;
      controls();
      show("closed");
      say("This page stopped watching: " + (c.reason || "too many pages are open") + ", and the newest ones stay live. Reload it to watch here.", true);
      return;
    }
    if (c.code === 4001) {
      ended = true;
      // A page waiting for a run says it too: its link will show nothing more.
      box.hidden = false;
      canAct = false;
      controls();
      show("ended");
      say("This link has ended (it expired or was revoked). Send /web in the chat for a fresh one.", true);
      return;
    }
    show("reconnecting");
    again(Math.min(5000, 500 * Math.pow(2, retry++)));
  }
  // Approvals the page was made with, not answered in it since: they can be answered too.
  var asked = list.querySelectorAll("li.approval[data-approval]");
  for (var i = 0; i < asked.length; i++) {
    var id = asked[i].getAttribute("data-approval");
    if (!list.querySelector('li.answered[data-approval="' + id + '"]')) offerAnswers(asked[i], Number(id));
  }
  stop.addEventListener("click", function () {
    stop.disabled = true;
    act({ kind: "stop" }, function () { stop.disabled = false; });
  });
  setInterval(function () {
    if (!socket || socket.readyState !== 1 || ended) return;
    if (unansweredSince === 0) unansweredSince = Date.now();
    socket.send("ping");
  }, HEARTBEAT_MS);
  // Checked apart from the pings: a throttled background tab's late check still measures from the ping.
  setInterval(function () {
    var now = Date.now();
    if (unansweredSince !== 0 && now - unansweredSince > SILENT_MS) dropped();
    else if (socket && socket.readyState === 0 && now - openingSince > OPENING_MS) dropped();
  }, 1000);
  // Back online: try at once rather than at the next backoff.
  window.addEventListener("online", function () { if (!socket && pending !== null) { clearTimeout(pending); pending = null; connect(); } });
  show("reconnecting");
  connect();
})();
`;
