// Portal-wide behaviour. htmx sends the CSRF token with every request.
document.addEventListener("htmx:configRequest", function (event) {
  var token = document.querySelector("input[name=csrfmiddlewaretoken]");
  var cookie = document.cookie.split("; ").find(function (c) { return c.indexOf("csrftoken=") === 0; });
  var value = token ? token.value : (cookie ? cookie.split("=")[1] : "");
  if (value) { event.detail.headers["X-CSRFToken"] = value; }
});
// Confirm buttons that carry data-confirm (CSP forbids inline onclick).
document.addEventListener("click", function (event) {
  var el = event.target.closest("[data-confirm]");
  if (el && !window.confirm(el.getAttribute("data-confirm"))) { event.preventDefault(); }
});
