/* The diff page's two diagrams: bpmn-js (navigated viewer, served by the app) draws the older
   ("from") and the newer ("to") version. Added elements are green on the newer, removed ones red
   on the older, changed ones amber on both; each also gets a text badge, so colour is not the only
   signal. The ids come from the JSON block #diff-markers (not executed: the CSP allows it).
   "Tunjukkan di diagram" in the list scrolls to and selects the element; clicking a marked
   element in a diagram highlights its entry in the list. */
(function () {
  'use strict';
  var host = document.getElementById('diff-diagrams');
  var data = document.getElementById('diff-markers');
  if (!host || !data) { return; }
  var markers = JSON.parse(data.textContent);
  var labels = {
    added: host.getAttribute('data-label-added') || '',
    changed: host.getAttribute('data-label-changed') || '',
    removed: host.getAttribute('data-label-removed') || ''
  };
  var viewers = {};

  function fail(figure) {
    figure.classList.add('diagram-failed');
    var status = figure.querySelector('.diagram-status');
    if (status) { status.textContent = host.getAttribute('data-error-text') || ''; }
  }

  function badge(kind) {
    var span = document.createElement('span');
    span.className = 'diff-badge diff-badge-' + kind;
    span.textContent = labels[kind];
    return span;
  }

  // Lanes and pools are drawn big: outline them, never fill them.
  function isContainer(element) {
    return element.type === 'bpmn:Lane' || element.type === 'bpmn:Participant';
  }

  function bounds(element) {
    if (!element.waypoints) { return element; }
    var xs = element.waypoints.map(function (p) { return p.x; });
    var ys = element.waypoints.map(function (p) { return p.y; });
    var x = Math.min.apply(null, xs);
    var y = Math.min.apply(null, ys);
    return { x: x, y: y, width: Math.max.apply(null, xs) - x, height: Math.max.apply(null, ys) - y };
  }

  // A flow's badge sits on the middle of its longest segment (relative to the flow's box), so two
  // flows that meet at one shape do not stack their badges on it.
  function midpoint(waypoints) {
    var box = bounds({ waypoints: waypoints });
    var best = null;
    var longest = -1;
    for (var i = 0; i + 1 < waypoints.length; i += 1) {
      var a = waypoints[i];
      var b = waypoints[i + 1];
      var length = Math.abs(b.x - a.x) + Math.abs(b.y - a.y);
      if (length > longest) { longest = length; best = { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 }; }
    }
    best = best || waypoints[0];
    return { left: best.x - box.x + 4, top: best.y - box.y };
  }

  function mark(viewer, byKind) {
    var registry = viewer.get('elementRegistry');
    var canvas = viewer.get('canvas');
    var overlays = viewer.get('overlays');
    Object.keys(byKind).forEach(function (kind) {
      byKind[kind].forEach(function (id) {
        var element = registry.get(id);
        if (!element) { return; }  // e.g. an element drawn without a shape
        canvas.addMarker(id, 'diff-' + kind);
        if (!isContainer(element) && !element.waypoints) { canvas.addMarker(id, 'diff-fill'); }
        var position = element.waypoints ? midpoint(element.waypoints)
          : isContainer(element) ? { top: 4, left: 34 } : { top: -3, left: 0 };
        // Never smaller than its text size: the whole SOP fitted in half a screen is drawn small.
        overlays.add(id, 'diff-badge', { position: position, html: badge(kind), scale: { min: 1 } });
      });
    });
  }

  function entryFor(id) {
    return document.querySelector('.diff-entry[data-element-id="' + (window.CSS && CSS.escape ? CSS.escape(id) : id) + '"]');
  }

  function highlightEntry(id) {
    var entry = entryFor(id);
    if (!entry) { return; }
    document.querySelectorAll('.diff-entry.is-focused').forEach(function (el) { el.classList.remove('is-focused'); });
    entry.classList.add('is-focused');
    entry.scrollIntoView({ block: 'center', behavior: 'smooth' });
    var button = entry.querySelector('.diff-locate');
    if (button && !button.hidden) { button.focus({ preventScroll: true }); }
  }

  function focusElement(side, id) {
    var viewer = viewers[side];
    if (!viewer) { return false; }
    var element = viewer.get('elementRegistry').get(id);
    if (!element) { return false; }
    var canvas = viewer.get('canvas');
    // Centre it at a readable size (fitted, the whole SOP is too small to read a step's name).
    var box = bounds(element);
    var outer = canvas.viewbox().outer;
    var scale = Math.max(canvas.zoom(), 0.9);
    var width = outer.width / scale;
    var height = outer.height / scale;
    canvas.viewbox({ x: box.x + box.width / 2 - width / 2, y: box.y + box.height / 2 - height / 2,
                     width: width, height: height });
    try { viewer.get('selection').select(element); } catch (ignored) { /* no selection module */ }
    viewer.get('elementRegistry').forEach(function (other) {
      if (canvas.hasMarker(other, 'diff-focus')) { canvas.removeMarker(other, 'diff-focus'); }
    });
    canvas.addMarker(element, 'diff-focus');
    return true;
  }

  function locate(id) {
    var shown = ['to', 'from'].filter(function (side) { return focusElement(side, id); });
    if (shown.length) {
      var figure = host.querySelector('.diff-diagram[data-side="' + shown[0] + '"]');
      figure.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
    }
  }

  // A button is offered only for elements a diagram actually draws.
  function showLocateButtons() {
    document.querySelectorAll('.diff-locate').forEach(function (button) {
      var id = button.getAttribute('data-element-id');
      button.hidden = !Object.keys(viewers).some(function (side) {
        return !!viewers[side].get('elementRegistry').get(id);
      });
    });
  }

  document.addEventListener('click', function (event) {
    var button = event.target.closest('.diff-locate');
    if (button) { locate(button.getAttribute('data-element-id')); }
  });

  function load(figure) {
    var side = figure.getAttribute('data-side');
    var viewer = new window.BpmnJS({ container: figure.querySelector('.diagram-canvas') });
    return fetch(figure.getAttribute('data-xml-url'), { credentials: 'same-origin' })
      .then(function (response) {
        if (!response.ok || response.redirected) { throw new Error('diagram ' + response.status); }
        return response.text();
      })
      .then(function (xml) { return viewer.importXML(xml); })
      .then(function () {
        viewer.get('canvas').zoom('fit-viewport', 'auto');
        mark(viewer, markers[side] || {});
        viewer.get('eventBus').on('element.click', function (event) {
          if (entryFor(event.element.id)) { highlightEntry(event.element.id); }
        });
        viewers[side] = viewer;
        figure.classList.add('diagram-ready');
      })
      .catch(function () { fail(figure); });
  }

  var figures = Array.prototype.slice.call(host.querySelectorAll('.diff-diagram'));
  if (!window.BpmnJS || !window.fetch || !window.Promise) { figures.forEach(fail); return; }
  Promise.all(figures.map(load)).then(showLocateButtons);
}());
