// Young-cadre pages. CSP forbids inline scripts: behaviour is attached here.
document.addEventListener("click", function (event) {
  var el = event.target.closest("[data-print]");
  if (el) { event.preventDefault(); window.print(); }
});
