/*
 * 干部任免审批表 print view: the print button, and the 简历 font fitted to its cell.
 *
 * The server chooses the 简历 font from an estimate of the printed lines
 * (cadre_portal/documents/layout.py); here the browser measures the real text
 * and steps the font down (never below 7.5 pt) while it overflows, or up (never
 * above 12 pt) while a larger font still fits, so the table never breaks.
 */
(function () {
  "use strict";

  var LARGEST = 12;
  var SMALLEST = 7.5;
  var STEP = 0.5;

  function overflows(box) {
    return box.scrollHeight > box.clientHeight + 1;
  }

  function fit(box) {
    var size = parseFloat(box.style.fontSize) || LARGEST;
    while (overflows(box) && size - STEP >= SMALLEST) {
      size -= STEP;
      box.style.fontSize = size + "pt";
    }
    while (!overflows(box) && size + STEP <= LARGEST) {
      box.style.fontSize = size + STEP + "pt";
      if (overflows(box)) {
        box.style.fontSize = size + "pt";
        break;
      }
      size += STEP;
    }
    box.setAttribute("data-fitted", size);
  }

  function fitAll() {
    var boxes = document.querySelectorAll(".rmb-resume");
    for (var i = 0; i < boxes.length; i++) {
      fit(boxes[i]);
    }
    document.body.setAttribute("data-rmb-ready", "1");
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-rmb-print]");
    if (button) {
      event.preventDefault();
      window.print();
    }
  });

  if (document.fonts && document.fonts.ready) {
    document.fonts.ready.then(fitAll);
  } else {
    window.addEventListener("load", fitAll);
  }
})();
