// Dashboards and the period picker (no inline scripts under the CSP).
// The data comes from the page's json_script "dashboard-charts"; every bar, slice
// and funnel step carries the URL of the list of exactly the rows it counts.
(function () {
  "use strict";

  var ALARM = "#d63939";
  var PALETTE = ["#206bc4", "#2fb344", "#f59f00", "#ae3ec9", "#17a2b8", "#d63939", "#74b816", "#f76707", "#4263eb", "#868e96", "#0ca678"];
  var PRINT_WIDTH = 680; // px of an A4 portrait page inside its margins
  var instances = [];

  // --- the period picker --------------------------------------------------------------
  document.querySelectorAll("[data-testid=period-form]").forEach(function (form) {
    var select = form.querySelector("select[name=period]");
    var dates = form.querySelectorAll("input[type=date]");
    if (!select) { return; }
    select.addEventListener("change", function () {
      if (select.value !== "range") {
        dates.forEach(function (input) { input.disabled = true; });
        form.submit();
      }
    });
    dates.forEach(function (input) {
      input.addEventListener("change", function () { select.value = "range"; });
    });
  });

  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });

  // --- 数据表 toggles -----------------------------------------------------------------------
  document.querySelectorAll("[data-toggle-table]").forEach(function (button) {
    button.addEventListener("click", function () {
      var table = document.querySelector("[data-table='" + button.getAttribute("data-toggle-table") + "']");
      if (!table) { return; }
      var shown = table.classList.toggle("d-none") === false;
      button.setAttribute("aria-pressed", shown ? "true" : "false");
      button.classList.toggle("active", shown);
    });
  });

  var source = document.getElementById("dashboard-charts");
  if (!source || typeof echarts === "undefined") { return; }
  var charts = JSON.parse(source.textContent);

  function item(value, url, colour) {
    var d = { value: value, url: url };
    if (colour) { d.itemStyle = { color: colour }; }
    return d;
  }

  function isAlarm(chart, key) { return chart.alarm.indexOf(key) !== -1; }

  function tooltipValue(value) { return value === null || value === undefined ? "—" : value; }

  function option(chart) {
    var first = chart.series[0] || { data: [], urls: [] };
    var base = {
      color: PALETTE,
      animation: false,
      textStyle: { fontFamily: "PingFang SC, Microsoft YaHei, Noto Sans CJK SC, sans-serif" },
      toolbox: { right: 8, feature: { saveAsImage: { title: "保存为图片", pixelRatio: 2 } } },
    };
    if (chart.type === "funnel" || chart.type === "pie") {
      var slices = chart.categories.map(function (name, i) {
        return { name: name, value: first.data[i], url: first.urls[i] };
      });
      if (chart.type === "funnel") {
        base.tooltip = { trigger: "item", formatter: "{b}：{c}" + chart.unit };
        base.series = [{
          type: "funnel", sort: "none", left: "10%", width: "80%", top: 16, bottom: 8, minSize: "18%", gap: 2,
          label: { show: true, position: "inside", formatter: "{b}  {c}" }, data: slices,
        }];
      } else {
        base.tooltip = { trigger: "item", formatter: "{b}：{c}" + chart.unit + "（{d}%）" };
        base.legend = { bottom: 0, type: "scroll" };
        base.series = [{
          type: "pie", radius: ["35%", "62%"], center: ["50%", "46%"],
          label: { formatter: "{b}\n{c}" + chart.unit + "（{d}%）" }, data: slices,
        }];
      }
      return base;
    }
    var horizontal = chart.type === "stacked" || chart.type === "hbar";
    var categoryAxis = { type: "category", data: chart.categories, axisLabel: { interval: 0 } };
    var valueAxis = { type: "value", minInterval: 1, name: chart.unit };
    if (horizontal) {
      categoryAxis.inverse = true;
      base.xAxis = valueAxis;
      base.yAxis = categoryAxis;
      base.grid = { left: 8, right: 40, top: chart.series.length > 1 ? 40 : 24, bottom: 8, containLabel: true };
    } else {
      categoryAxis.axisLabel.rotate = chart.categories.length > 6 ? 30 : 0;
      base.xAxis = categoryAxis;
      base.yAxis = valueAxis;
      base.grid = { left: 8, right: 16, top: chart.series.length > 1 ? 48 : 32, bottom: 8, containLabel: true };
    }
    base.tooltip = { trigger: "axis", axisPointer: { type: "shadow" }, valueFormatter: tooltipValue };
    if (chart.series.length > 1) { base.legend = { top: 0, left: 8, right: 40, type: "scroll" }; }
    var stacked = chart.type === "stacked";
    base.series = chart.series.map(function (s, j) {
      var seriesAlarm = stacked && isAlarm(chart, s.key);
      return {
        type: "bar", name: s.name, stack: stacked ? "total" : undefined, barMaxWidth: 36,
        label: { show: !stacked || chart.categories.length <= 16, position: stacked ? "inside" : (horizontal ? "right" : "top"),
                 formatter: function (p) { return p.value ? p.value : ""; } },
        itemStyle: seriesAlarm ? { color: j === 0 ? ALARM : "#f76707" } : undefined,
        data: s.data.map(function (v, i) {
          var alarm = !stacked && chart.series.length === 1 && isAlarm(chart, chart.category_keys[i]);
          return item(v, s.urls[i], alarm ? ALARM : boundsColour(chart, v));
        }),
        markLine: chart.bounds && j === 0 ? boundsLines(chart, horizontal) : undefined,
      };
    });
    return base;
  }

  // A target band (3–7 per village): below in the alarm colour, above in orange.
  function boundsColour(chart, value) {
    if (!chart.bounds) { return null; }
    if (value < chart.bounds[0]) { return ALARM; }
    if (value > chart.bounds[1]) { return "#f76707"; }
    return "#2fb344";
  }

  function boundsLines(chart, horizontal) {
    var axis = horizontal ? "xAxis" : "yAxis";
    var lines = chart.bounds.filter(function (b) { return b < 50; }).map(function (b) {
      var line = { label: { formatter: String(b) } };
      line[axis] = b;
      return line;
    });
    return { silent: true, symbol: "none", lineStyle: { type: "dashed", color: "#667382" }, data: lines };
  }

  function height(chart) {
    if (chart.type === "stacked" || chart.type === "hbar") {
      return Math.max(280, chart.categories.length * 26 + 70);
    }
    return 300;
  }

  var locale = (document.documentElement.lang || "").toLowerCase().indexOf("zh") === 0 ? "ZH" : "EN";
  charts.forEach(function (chart) {
    var el = document.getElementById("chart-" + chart.key);
    if (!el) { return; }
    el.style.height = height(chart) + "px";
    var instance = echarts.init(el, null, { renderer: "svg", locale: locale });
    instance.setOption(option(chart));
    instance.on("click", function (params) {
      var url = params.data && params.data.url;
      if (url) { window.location.href = url; }
    });
    instances.push(instance);
  });

  window.addEventListener("resize", function () {
    instances.forEach(function (i) { i.resize(); });
  });
  // Printing: draw every chart at the width of an A4 page, then back.
  window.addEventListener("beforeprint", function () {
    instances.forEach(function (i) { i.resize({ width: PRINT_WIDTH }); });
  });
  window.addEventListener("afterprint", function () {
    instances.forEach(function (i) { i.resize({ width: "auto" }); });
  });
})();
