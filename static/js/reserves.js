// Reserves pages: the live 3-7 per-village counter (no inline scripts under the CSP).
(function () {
  "use strict";
  var CLASSES = ["bg-red-lt", "bg-orange-lt", "bg-green-lt"];

  function colour(el, n, min, max) {
    CLASSES.forEach(function (c) { el.classList.remove(c); });
    el.classList.add(n < min ? "bg-red-lt" : (n > max ? "bg-orange-lt" : "bg-green-lt"));
  }

  // Submission page: each village card counts its active reserves plus the ticked nominees.
  function updateCard(card) {
    var active = parseInt(card.getAttribute("data-active"), 10) || 0;
    var min = parseInt(card.getAttribute("data-min"), 10);
    var max = parseInt(card.getAttribute("data-max"), 10);
    var ticked = card.querySelectorAll("input[name=candidates]:checked").length;
    var total = active + ticked;
    var badge = card.querySelector("[data-village-count]");
    var hint = card.querySelector("[data-village-hint]");
    var reason = card.querySelector("[data-reason-wrap]");
    badge.textContent = ticked ? ("现有 " + active + " 人，提交后 " + total + " 人") : ("现有 " + active + " 人");
    colour(badge, total, min, max);
    if (!hint) { return; }
    var outside = ticked > 0 && (total < min || total > max);
    hint.textContent = ticked === 0 ? "" : (outside
      ? "提交后为 " + total + " 人，不在每村 " + min + "-" + max + " 人的规模内，请填写说明。"
      : "提交后为 " + total + " 人，符合每村 " + min + "-" + max + " 人的规模。");
    hint.className = "mt-2 small " + (outside ? "text-danger" : "text-success");
    if (reason) { reason.classList.toggle("d-none", !outside); }
  }

  document.querySelectorAll("[data-village-card]").forEach(function (card) {
    card.addEventListener("change", function () { updateCard(card); });
    updateCard(card);
  });

  // Nomination form: show the chosen village's current count.
  var data = document.getElementById("village-counts-data");
  var select = document.querySelector("select[data-village-counts]");
  var box = document.getElementById("village-count");
  if (data && select && box) {
    var counts = JSON.parse(data.textContent);
    var show = function () {
      if (!select.value) { box.textContent = ""; return; }
      var row = counts[select.value] || { active: 0, drafts: 0 };
      var span = document.createElement("span");
      span.className = "badge";
      span.textContent = "该村现有后备干部 " + row.active + " 人，待提交 " + row.drafts + " 人（每村 3-7 人）";
      colour(span, row.active, 3, 7);
      box.innerHTML = "";
      box.appendChild(span);
    };
    select.addEventListener("change", show);
    show();
  }
})();

// Attendance: tick or untick every trainee at once.
document.querySelectorAll("[data-check-all]").forEach(function (box) {
  box.addEventListener("change", function () {
    box.closest("form").querySelectorAll("input[name=candidates]:not(:disabled)").forEach(function (el) { el.checked = box.checked; });
  });
});

// Review batches: tick all, and a running count of what each decision will apply to.
document.querySelectorAll("[data-batch-form]").forEach(function (form) {
  var out = form.querySelector("[data-batch-count]");
  var labels = {};
  form.querySelectorAll("input[name=decision]").forEach(function (radio) {
    var label = radio.closest("label");
    labels[radio.value] = label ? label.textContent.trim() : radio.value;
  });
  function update() {
    var common = form.querySelector("input[name=decision]:checked");
    var counts = {};
    var total = 0;
    form.querySelectorAll("[data-person]").forEach(function (row) {
      var box = row.querySelector("input[type=checkbox][name^=include_]");
      if (!box || !box.checked) { return; }
      var select = row.querySelector("select[name^=action_]");
      var value = (select && select.value) || (common ? common.value : "");
      var label = labels[value] || "";
      counts[label] = (counts[label] || 0) + 1;
      total += 1;
    });
    if (!out) { return; }
    var parts = Object.keys(counts).map(function (k) { return k + " " + counts[k] + " 人"; });
    out.textContent = "已选 " + total + " 人" + (parts.length ? "：" + parts.join("，") : "");
  }
  var all = form.querySelector("[data-check-all-batch]");
  if (all) {
    all.addEventListener("change", function () {
      form.querySelectorAll("input[type=checkbox][name^=include_]").forEach(function (box) { box.checked = all.checked; });
      update();
    });
  }
  form.addEventListener("change", update);
  form.addEventListener("input", update);
  update();
});

// Attendance page: a running count per village block and for the page.
(function () {
  var blocks = document.querySelectorAll("[data-attendance-block]");
  var running = document.querySelector("[data-attendance-running]");
  if (!blocks.length) { return; }
  function update() {
    var shown = 0, ticked = 0;
    blocks.forEach(function (block) {
      var boxes = block.querySelectorAll("input[name=candidates]");
      var n = block.querySelectorAll("input[name=candidates]:checked").length;
      var count = block.querySelector("[data-block-count]");
      if (count) { count.textContent = "已勾选 " + n + " / " + boxes.length + " 人"; }
      shown += boxes.length;
      ticked += n;
    });
    if (running) { running.textContent = "本页 " + shown + " 人，已勾选 " + ticked + " 人（每个村分别保存）"; }
  }
  blocks.forEach(function (block) { block.addEventListener("change", update); });
  update();
})();

// New training session: the trainee picker only when the session is not for everyone;
// filter by township, village and name, a running count, trainees whose cycle excludes
// the session date greyed out.
(function () {
  var form = document.querySelector("[data-session-form]");
  if (!form) { return; }
  var picker = form.querySelector("[data-trainee-picker]");
  var forAll = form.querySelector("input[name=for_all]");
  var dateInput = form.querySelector("input[name=date]");
  var township = form.querySelector("[data-filter-township]");
  var village = form.querySelector("[data-filter-village]");
  var q = form.querySelector("[data-filter-q]");
  var onlySelected = form.querySelector("[data-filter-selected]");
  var count = form.querySelector("[data-picker-count]");
  var note = form.querySelector("[data-for-all-note]");
  var filters = form.querySelector("[data-picker-filters]");
  var list = form.querySelector("[data-picker-list]");
  var rows = Array.prototype.slice.call(form.querySelectorAll("[data-picker-row]"));

  function apply() {
    var everyone = forAll && forAll.checked;
    if (note) { note.hidden = !everyone; }
    if (filters) { filters.hidden = everyone; }
    if (list) { list.hidden = everyone; }
    var t = township ? township.value : "";
    var v = village ? village.value : "";
    var text = q ? q.value.trim().toLowerCase() : "";
    var day = dateInput ? dateInput.value : "";
    var shown = 0, ticked = 0;
    if (village) {
      village.querySelectorAll("option[data-township]").forEach(function (o) { o.hidden = !!t && o.getAttribute("data-township") !== t; });
    }
    form.querySelectorAll("[data-picker-group]").forEach(function (group) {
      var inPlace = (!t || group.getAttribute("data-township") === t) && (!v || group.getAttribute("data-village") === v);
      var visible = 0;
      group.querySelectorAll("[data-picker-row]").forEach(function (row) {
        var box = row.querySelector("input[name=trainees]");
        var outside = !!day && (row.getAttribute("data-start") > day || row.getAttribute("data-end") < day);
        row.querySelector("[data-out-of-cycle]").hidden = !outside;
        box.disabled = outside;
        if (outside) { box.checked = false; }
        var match = inPlace && (!text || row.getAttribute("data-key").toLowerCase().indexOf(text) !== -1)
          && (!onlySelected || !onlySelected.checked || box.checked);
        row.hidden = !match;
        if (match) { visible += 1; }
        if (box.checked) { ticked += 1; }
      });
      group.hidden = visible === 0;
      shown += visible;
    });
    if (count) {
      count.textContent = everyone ? ("面向全体（共 " + rows.length + " 名培养对象）")
        : ("已选 " + ticked + " 人，当前显示 " + shown + " / " + rows.length + " 人");
    }
  }
  form.querySelectorAll("[data-group-all]").forEach(function (box) {
    box.addEventListener("change", function () {
      box.closest("[data-picker-group]").querySelectorAll("[data-picker-row]:not([hidden]) input[name=trainees]:not(:disabled)")
        .forEach(function (el) { el.checked = box.checked; });
      apply();
    });
  });
  form.addEventListener("change", apply);
  form.addEventListener("input", apply);
  apply();
  if (picker) { picker.hidden = false; }
})();

// Print views (a person's record, a village's nomination list): the print button.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-print]");
    if (button) { event.preventDefault(); window.print(); }
  });
})();
