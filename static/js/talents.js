// Talents pages (no inline scripts under the CSP): the talent form's dependent fields and
// the plan line that matches category, channel and year; the overview chart.
(function () {
  "use strict";

  function byId(id) { return document.getElementById(id); }

  function toggle(el, show) {
    if (el) { el.classList.toggle("d-none", !show); }
  }

  // --- talent form ---------------------------------------------------------------------
  var form = document.querySelector("[data-testid=talent-form]");
  if (form) {
    var origin = byId("id_origin");
    var unit = byId("id_unit");
    var category = byId("id_category");
    var channel = byId("id_channel");
    var recruitedOn = byId("id_recruited_on");
    var planLine = byId("id_plan_line");
    var lines = {};
    var data = byId("plan-lines-data");
    if (data) { lines = JSON.parse(data.textContent); }
    var hint = document.createElement("div");
    hint.className = "form-text";
    hint.setAttribute("data-testid", "plan-line-hint");
    if (planLine && planLine.parentNode) { planLine.parentNode.appendChild(hint); }

    var showRecruitment = function () {
      toggle(byId("recruitment-fields"), !origin || origin.value === "recruited");
    };
    var showWorkplace = function () {
      // Without a unit from the register, the unit's name and the place of work are asked for.
      toggle(byId("workplace-fields"), !unit || !unit.value);
    };
    var matchingLines = function () {
      var year = recruitedOn && recruitedOn.value ? parseInt(recruitedOn.value.slice(0, 4), 10) : null;
      return Object.keys(lines).filter(function (pk) {
        var line = lines[pk];
        return String(line.category) === category.value && String(line.channel) === channel.value && line.year === year;
      });
    };
    var suggestLine = function () {
      if (!planLine || !category || !channel) { return; }
      if (origin && origin.value !== "recruited") { planLine.value = ""; hint.textContent = ""; return; }
      var found = matchingLines();
      if (found.length === 1 && !planLine.value) {
        planLine.value = found[0];
        hint.textContent = "已按人才类别、招引渠道和招引年度选中对应的计划项；不计入计划的请改为“请选择”。";
      } else if (planLine.value && found.indexOf(planLine.value) === -1) {
        hint.textContent = "所选计划项与人才类别、招引渠道或招引年度不一致，保存时会提示。";
      } else if (!found.length && category.value && channel.value && recruitedOn && recruitedOn.value) {
        hint.textContent = "当年招引计划中没有该人才类别和招引渠道的计划项。";
      } else {
        hint.textContent = "";
      }
    };
    [origin, category, channel, recruitedOn].forEach(function (el) {
      if (el) { el.addEventListener("change", function () { showRecruitment(); suggestLine(); }); }
    });
    if (planLine) { planLine.addEventListener("change", suggestLine); }
    if (unit) { unit.addEventListener("change", showWorkplace); }
    showRecruitment();
    showWorkplace();
  }

  // --- overview chart -----------------------------------------------------------------------
  var chartBox = byId("talents-domain-chart");
  var chartData = byId("talents-chart-data");
  if (chartBox && chartData && window.echarts) {
    var d = JSON.parse(chartData.textContent);
    var chart = window.echarts.init(chartBox);
    var series = [{ name: "在岗人才", type: "bar", data: d.in_post }];
    if (d.planned) { series.push({ name: "本年计划", type: "bar", data: d.planned }); }
    series.push({ name: "本年招引", type: "bar", data: d.recruited });
    chart.setOption({
      tooltip: { trigger: "axis" },
      legend: { data: series.map(function (s) { return s.name; }) },
      grid: { left: 40, right: 16, top: 36, bottom: 28 },
      xAxis: { type: "category", data: d.domains },
      yAxis: { type: "value", minInterval: 1 },
      series: series
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
})();
