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
  document.querySelectorAll("[data-countdown][datetime]").forEach(function (el) {
    var until = Date.parse(el.getAttribute("datetime"));
    if (isNaN(until)) { return; }
    function tick() {
      var ms = until - Date.now();
      if (ms <= 0) { el.textContent = "no time left"; return; }
      var h = Math.floor(ms / 3600000), m = Math.floor((ms % 3600000) / 60000);
      el.textContent = h + " hour" + (h === 1 ? "" : "s") + " " + m + " minute" + (m === 1 ? "" : "s") + " left";
      setTimeout(tick, 30000);
    }
    tick();
  });
  var summary = document.querySelector(".error-summary");
  if (summary) { summary.focus(); }
})();
