// 统计看板: draws the charts from the figures in #dashboard-figures (json_script) with
// Chart.js (served locally). Clicking a bar opens the list behind it: every value carries
// its list's URL (series.urls). The chart instances are kept in window.xinbanCharts (by
// canvas id) so tests and scripts can find a bar's position.
(function () {
  "use strict";
  const COLOURS = ["#0d6efd", "#20c997", "#fd7e14", "#6f42c1", "#dc3545", "#198754", "#0dcaf0"];

  function figures() {
    const node = document.getElementById("dashboard-figures");
    return node ? JSON.parse(node.textContent) : null;
  }

  function datasets(series) {
    return series.map((item, index) => ({
      label: item.label,
      data: item.values,
      urls: item.urls,
      backgroundColor: COLOURS[index % COLOURS.length],
      borderRadius: 2,
    }));
  }

  function sizeBox(canvas, rows, horizontal) {
    const box = canvas.parentElement;
    const height = horizontal ? Math.max(180, rows * 26 + 70) : 280;
    box.style.position = "relative";
    box.style.height = height + "px";
  }

  function urlAt(chart, event) {
    const hits = chart.getElementsAtEventForMode(event, "nearest", { intersect: true }, true);
    if (!hits.length) return null;
    const hit = hits[0];
    const urls = chart.data.datasets[hit.datasetIndex].urls || [];
    return urls[hit.index] || null;
  }

  function draw(canvas, labels, series, options) {
    const horizontal = Boolean(options.horizontal);
    sizeBox(canvas, labels.length, horizontal);
    const chart = new window.Chart(canvas, {
      type: "bar",
      data: { labels: labels, datasets: datasets(series) },
      options: {
        indexAxis: horizontal ? "y" : "x",
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: { legend: { display: series.length > 1, position: "bottom" } },
        scales: {
          x: { beginAtZero: true, ticks: { precision: 0 } },
          y: { beginAtZero: true, ticks: { precision: 0, autoSkip: false } },
        },
        onClick: (event, _elements, instance) => {
          const url = urlAt(instance, event);
          if (url) window.location.assign(url);
        },
        onHover: (event, _elements, instance) => {
          const target = event.native && event.native.target;
          if (target) target.style.cursor = urlAt(instance, event) ? "pointer" : "default";
        },
      },
    });
    window.xinbanCharts[canvas.id] = chart;
    return chart;
  }

  document.addEventListener("DOMContentLoaded", () => {
    const data = figures();
    window.xinbanCharts = window.xinbanCharts || {};
    if (!data || !window.Chart) return;
    document.querySelectorAll("canvas[data-chart]").forEach((canvas) => {
      const kind = canvas.dataset.chart;
      if (kind === "funnel") {
        const steps = data.funnel;
        draw(
          canvas,
          steps.map((s) => s.label),
          [{ label: "", values: steps.map((s) => s.value), urls: steps.map((s) => s.url) }],
          { horizontal: true }
        );
      } else if (kind === "years") {
        draw(canvas, data.years.labels, data.years.series, {});
      } else if (kind === "breakdown") {
        const chart = data.breakdowns.find((b) => b.key === canvas.dataset.key);
        if (chart) draw(canvas, chart.labels, chart.series, { horizontal: true });
      }
    });
    document.documentElement.dataset.chartsReady = "1";
  });
})();
