// Wallboard: listen to the server-sent event stream and redraw the board; tick waits and times in state.
(function () {
  "use strict";
  var root = document.getElementById("wallboard");
  if (!root) { return; }
  var labels = JSON.parse(document.getElementById("wb-labels").textContent);
  var snap = JSON.parse(document.getElementById("wb-data").textContent);
  var offsetMs = Date.now() - Date.parse(snap.as_of);  // board time = browser time - offset
  var DASH = "\u2014";

  function esc(text) {
    return String(text == null ? "" : text).replace(/[&<>"']/g, function (c) {
      return {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c];
    });
  }
  function duration(seconds) {
    if (seconds == null) { return DASH; }
    var total = Math.max(0, Math.round(seconds)), h = Math.floor(total / 3600), m = Math.floor(total % 3600 / 60),
      s = total % 60, pad = function (n) { return (n < 10 ? "0" : "") + n; };
    return h ? h + ":" + pad(m) + ":" + pad(s) : m + ":" + pad(s);
  }
  function span(seconds) {  // a threshold in words, as pages/wallboard.py's span()
    if (seconds == null) { return DASH; }
    var r = function (x) { return String(Math.round(x * 10) / 10); };
    return seconds < 120 ? r(seconds) + " s" : seconds < 7200 ? r(seconds / 60) + " min" : r(seconds / 3600) + " h";
  }
  function percent(value) { return value == null ? DASH : (value * 100).toFixed(1) + "%"; }
  function count(value) { return Number(value || 0).toLocaleString("en-GB"); }
  function stateName(state, reason) { return esc(labels[state] || state) + (reason ? " \u00b7 " + esc(reason) : ""); }
  function field(name) { return root.querySelector('[data-wb="' + name + '"]'); }

  function tile(name, colour, label, big, foot, since) {
    return '<div class="wb-tile wb-' + colour + '" data-tile="' + name + '"><div class="wb-label">' + label +
      '</div><div class="wb-big"' + (since !== undefined ? ' data-since="' + esc(since || "") + '"' : "") + ">" + big +
      '</div><div class="wb-foot">' + foot + "</div></div>";
  }

  function renderTiles(s) {
    var t = s.total, th = s.thresholds;
    document.getElementById("wb-tiles").innerHTML = [
      tile("waiting", t.waiting ? t.wait_colour : "green", "Waiting now", String(t.waiting), "contacts in queue"),
      tile("longest", t.wait_colour, "Longest wait", duration(t.longest_wait_s), s.mixed_thresholds ?
        "colour: the worst queue, each against its own threshold" :
        "amber from " + duration(th.wait_amber_s) + ", red from " + duration(th.wait_red_s), t.oldest_since),
      tile("service_level", t.service_level_colour, "Service level today", percent(t.service_level),
        (s.mixed_thresholds ? "each queue within its own threshold" :
          "answered within " + span(th.service_level_threshold_s)) + " \u00b7 target " + percent(th.service_level_target)),
      tile("abandon_rate", t.abandon_colour, "Abandon rate today", percent(t.abandon_rate),
        "green to " + percent(th.abandon_green_max) + ", red above " + percent(th.abandon_amber_max)),
      tile("offered", "none", "Offered today", count(t.offered),
        count(t.answered) + " answered \u00b7 " + count(t.abandoned) + " abandoned")
    ].join("");
  }

  function chip(colour, text) { return '<span class="wb-chip wb-' + colour + '">' + text + "</span>"; }

  function renderQueues(s) {
    var rows = s.queues.map(function (q) {
      var th = q.thresholds;
      return "<tr><td><a href=\"/wallboard/queue/" + encodeURIComponent(q.queue_id) + "\" title=\"" + esc(q.queue_id) + "\">" +
        esc(q.name || q.queue_id) + "</a></td>" +
        '<td class="wb-target" title="colours from ' + esc(q.threshold_source || "the default") + '">' +
        (q.channel ? '<span class="wb-channel">' + esc(q.channel) + "</span> " : "") +
        (th ? percent(th.service_level_target) + " in " + span(th.service_level_threshold_s) : "") + "</td>" +
        '<td class="num">' + chip(q.waiting ? q.wait_colour : "none", String(q.waiting)) + "</td>" +
        '<td class="num" data-since="' + esc(q.oldest_since || "") + '">' + duration(q.longest_wait_s) + "</td>" +
        '<td class="num">' + count(q.offered) + '</td><td class="num">' + count(q.answered) + "</td>" +
        '<td class="num">' + count(q.abandoned) + "</td>" +
        '<td class="num">' + chip(q.service_level_colour, percent(q.service_level)) + "</td>" +
        '<td class="num">' + chip(q.abandon_colour, percent(q.abandon_rate)) + "</td></tr>";
    });
    document.getElementById("wb-queues").innerHTML =
      rows.join("") || '<tr><td colspan="9" class="empty">No queue in this board yet.</td></tr>';
  }

  function renderStates(s) {
    var html = s.states.map(function (c) {
      return '<div class="wb-state wb-state-' + esc(c.state) + '"><span class="wb-state-n">' + c.agents +
        '</span> <span class="wb-state-name">' + stateName(c.state, c.reason) + "</span></div>";
    });
    document.getElementById("wb-states").innerHTML = html.join("") || '<div class="empty">No agent state known yet.</div>';
  }

  function renderAgents(s) {
    var box = document.getElementById("wb-agents");
    if (!box) { return; }
    var html = s.agents.map(function (a) {
      return '<div class="wb-agent wb-state-' + esc(a.state) + " wb-" + esc(a.colour) + '" title="' + esc(a.agent_id) +
        " since " + esc(a.since) + '"><div class="wb-agent-name">' + esc(a.name || a.agent_id) + "</div>" +
        '<div class="wb-agent-state">' + stateName(a.state, a.reason) + "</div>" +
        '<div class="wb-agent-time" data-since="' + esc(a.since) + '">' + duration(a.time_in_state_s) + "</div></div>";
    });
    box.innerHTML = html.join("") || '<div class="empty">No agent logged in.</div>';
  }

  function render(s) {
    snap = s;
    offsetMs = Date.now() - Date.parse(s.as_of);
    var mode = field("mode");
    mode.textContent = s.mode === "live" ? "Live" : "Replay";
    mode.className = "wb-mode wb-mode-" + s.mode;
    field("asof").textContent = s.day + " \u00b7 as of " + s.as_of.slice(11, 19) + " UTC";
    var notes = field("notes");
    notes.textContent = (s.notes || []).join(" ");
    notes.hidden = !(s.notes && s.notes.length);
    renderTiles(s); renderQueues(s); renderStates(s); renderAgents(s);
    root.setAttribute("data-version", String(s.version));
    root.setAttribute("data-waiting", String(s.total.waiting));
  }

  function tick() {
    var now = Date.now() - offsetMs;
    Array.prototype.forEach.call(root.querySelectorAll("[data-since]"), function (el) {
      var since = el.getAttribute("data-since");
      if (since) { el.textContent = duration((now - Date.parse(since)) / 1000); }
    });
  }

  function status(text, cls) {
    var el = field("conn");
    el.textContent = text;
    el.className = "wb-conn " + (cls || "");
  }

  function connect() {
    if (!window.EventSource) { status("no live updates in this browser", "wb-conn-bad"); return; }
    var source = new EventSource(root.getAttribute("data-stream"));
    source.addEventListener("snapshot", function (event) {
      render(JSON.parse(event.data));
      status("updated " + new Date().toLocaleTimeString("en-GB"), "wb-conn-ok");
    });
    source.addEventListener("end", function () { source.close(); status("signed out: reload to sign in", "wb-conn-bad"); });
    source.onerror = function () { status("reconnecting\u2026", "wb-conn-bad"); };
  }

  var full = field("fullscreen");
  if (full) {
    full.addEventListener("click", function () {
      if (document.fullscreenElement) { document.exitFullscreen(); } else { document.documentElement.requestFullscreen(); }
    });
  }
  render(snap);
  setInterval(tick, 1000);
  connect();
}());
