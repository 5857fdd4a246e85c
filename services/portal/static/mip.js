/* Small enhancements; every page works without them.
   - [data-module="word-count"][data-word-limit]: counts the words in its textarea as you type.
   - [data-countdown][datetime]: the time left until an instant, e.g. an offer's lapse.
   - .error-summary: takes focus on load, so a screen reader starts at the problems. */
(function () {
  "use strict";
  function words(text) {
    var trimmed = text.trim();
    return trimmed ? trimmed.split(/\s+/).length : 0;
  }
  document.querySelectorAll('[data-module="word-count"]').forEach(function (group) {
    var area = group.querySelector("textarea");
    var info = group.querySelector(".word-count");
    var limit = parseInt(group.getAttribute("data-word-limit"), 10);
    if (!area || !info || !limit) { return; }
    function update() {
      var left = limit - words(area.value);
      info.textContent = left >= 0
        ? "You have " + left + " word" + (left === 1 ? "" : "s") + " remaining"
        : "You have " + -left + " word" + (left === -1 ? "" : "s") + " too many";
      info.classList.toggle("error-message", left < 0);
    }
    area.addEventListener("input", update);
    update();
  });
  function plural(n, unit) { return n + " " + unit + (n === 1 ? "" : "s"); }
  // Says the time left as the page itself does (applicant/words.py, time_left), so the
  // words do not change when the script takes over.
  function timeLeft(ms) {
    if (ms <= 0) { return "no time left"; }
    var s = Math.floor(ms / 1000);
    var parts = [[Math.floor(s / 86400), "day"], [Math.floor(s % 86400 / 3600), "hour"],
                 [Math.floor(s % 3600 / 60), "minute"]]
      .filter(function (p) { return p[0] > 0; })
      .map(function (p) { return plural(p[0], p[1]); });
    if (!parts.length) { return plural(s, "second") + " left"; }
    var last = parts.pop();
    return (parts.length ? parts.join(", ") + " and " + last : last) + " left";
  }
  document.querySelectorAll("[data-countdown][datetime]").forEach(function (el) {
    var until = Date.parse(el.getAttribute("datetime"));
    if (isNaN(until)) { return; }
    function tick() {
      var ms = until - Date.now();
      el.textContent = timeLeft(ms);
      if (ms > 0) { setTimeout(tick, ms < 120000 ? 1000 : 15000); }
    }
    tick();
  });
  var summary = document.querySelector(".error-summary");
  if (summary) { summary.focus(); }
})();
