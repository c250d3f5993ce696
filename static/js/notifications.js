// Notification centre: keep the browser tab title in step with the unread badge
// (the badge itself is refreshed by htmx; CSP forbids inline scripts).
(function () {
  var baseTitle = document.title.replace(/^\(\d+\+?\) /, "");
  function update() {
    var el = document.querySelector("#notification-unread-badge [data-unread-count]");
    if (!el) { return; }
    var n = parseInt(el.getAttribute("data-unread-count"), 10) || 0;
    document.title = n > 0 ? "(" + (n > 99 ? "99+" : n) + ") " + baseTitle : baseTitle;
  }
  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.target && event.target.id === "notification-unread-badge") { update(); }
  });
})();
