/* The SLA and SKM reports' charts. Chart.js (served by the app from node_modules, no CDN) draws
   what the page's <script type="application/json" id="report-charts"> block holds; each canvas
   names its chart in data-chart. Every figure is also in the table under the chart, which is
   what a screen reader reads and what prints if a chart cannot. The "Cetak" buttons print. */
(function () {
  'use strict';

  Array.prototype.forEach.call(document.querySelectorAll('[data-print]'), function (button) {
    button.addEventListener('click', function () { window.print(); });
  });

  var source = document.getElementById('report-charts');
  if (!source || !window.Chart) { return; }
  var charts;
  try { charts = JSON.parse(source.textContent); } catch (error) { return; }

  var lang = document.documentElement.getAttribute('lang') || 'id';
  var COLORS = { navy: '#0b3d6e', sky: '#7fa7d1', accent: '#b8860b', green: '#1e7a46' };
  var reducedMotion = window.matchMedia && window.matchMedia('(prefers-reduced-motion: reduce)').matches;
  window.Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  window.Chart.defaults.color = '#1c2433';

  function dataset(spec) {
    var color = COLORS[spec.color] || COLORS.navy;
    var common = { label: spec.label, data: spec.data, borderColor: color, backgroundColor: color };
    if (spec.kind === 'marker') {
      // The standard of each category: a short thick dash across its bars, no line between steps.
      // Its half-width follows the room each category has (18 px on a desktop, less on a phone).
      var radius = function (context) {
        var area = context.chart.chartArea;
        var room = area ? (area.right - area.left) / Math.max(1, spec.data.length) : 80;
        return Math.max(5, Math.min(18, room * 0.3));
      };
      return Object.assign(common, { type: 'line', showLine: false, pointStyle: 'line', pointRadius: radius,
        pointHoverRadius: radius, pointBorderWidth: 4, borderWidth: 4, order: 0 });
    }
    if (spec.kind === 'line') {
      return Object.assign(common, { type: 'line', borderDash: [6, 4], borderWidth: 2, pointRadius: 0,
        spanGaps: true, order: 0 });
    }
    return Object.assign(common, { type: 'bar', order: 1, maxBarThickness: 48, borderRadius: 2 });
  }

  function config(spec) {
    var y = spec.y || {};
    var axis = {
      type: y.log ? 'logarithmic' : 'linear',
      title: { display: !!y.title, text: y.title || '' },
      ticks: y.percent ? { callback: function (value) { return value + ' %'; } } : {}
    };
    if (!y.log && y.min !== undefined) { axis.min = y.min; }
    if (y.max !== undefined) { axis.max = y.max; } else if (!y.log) { axis.grace = '8%'; }
    var titles = spec.titles || null;
    return {
      type: 'bar',
      data: { labels: spec.labels, datasets: spec.datasets.map(dataset) },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        locale: lang,
        animation: reducedMotion ? false : { duration: 300 },
        interaction: { mode: 'index', intersect: false },
        scales: { x: { ticks: { autoSkip: true, maxRotation: 60 } }, y: axis },
        plugins: {
          legend: { position: 'bottom', labels: { usePointStyle: true } },
          tooltip: {
            callbacks: titles ? {
              title: function (items) {
                var i = items.length ? items[0].dataIndex : -1;
                return i >= 0 ? spec.labels[i] + ' · ' + titles[i] : '';
              }
            } : {}
          }
        }
      }
    };
  }

  var drawn = [];
  Array.prototype.forEach.call(document.querySelectorAll('canvas[data-chart]'), function (canvas) {
    var spec = charts[canvas.getAttribute('data-chart')];
    if (!spec) { return; }
    drawn.push(new window.Chart(canvas, config(spec)));
  });

  // Responsive charts keep their screen size on paper unless told to fit the page first.
  window.addEventListener('beforeprint', function () {
    drawn.forEach(function (chart) { chart.resize(); });
  });
  window.addEventListener('afterprint', function () {
    drawn.forEach(function (chart) { chart.resize(); });
  });
}());
