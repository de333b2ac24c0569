/* The case page's diagram: bpmn-js (navigated viewer, served by the app) draws the case's
   BPMN version; steps done get a green marker and a check, the steps open now a highlight and
   a label, so the state is told by more than colour. The ids come in data- attributes. */
(function () {
  'use strict';
  var host = document.getElementById('case-diagram');
  if (!host) { return; }
  var canvasEl = host.querySelector('.diagram-canvas');
  var statusEl = host.querySelector('.diagram-status');

  function ids(name) {
    return (host.getAttribute(name) || '').split(/\s+/).filter(Boolean);
  }

  function fail() {
    host.classList.add('diagram-failed');
    if (statusEl) { statusEl.textContent = host.getAttribute('data-error-text') || ''; }
  }

  if (!window.BpmnJS || !window.fetch) { fail(); return; }

  var viewer = new window.BpmnJS({ container: canvasEl });

  function badge(text, kind) {
    var span = document.createElement('span');
    span.className = 'diagram-badge diagram-badge-' + kind;
    span.textContent = text;
    return span;
  }

  function mark(done, current) {
    var registry = viewer.get('elementRegistry');
    var canvas = viewer.get('canvas');
    var overlays = viewer.get('overlays');
    var doneLabel = '✓ ' + (host.getAttribute('data-done-label') || '');
    var currentLabel = '● ' + (host.getAttribute('data-current-label') || '');
    // A case that has any history has passed its start event.
    registry.filter(function (element) { return element.type === 'bpmn:StartEvent'; })
      .forEach(function (element) { canvas.addMarker(element.id, 'is-done'); });
    done.forEach(function (id) {
      if (!registry.get(id)) { return; }
      canvas.addMarker(id, 'is-done');
      overlays.add(id, { position: { top: -20, left: 0 }, html: badge(doneLabel, 'done') });
    });
    current.forEach(function (id) {
      if (!registry.get(id)) { return; }
      canvas.addMarker(id, 'is-current');
      overlays.add(id, { position: { top: -20, left: 0 }, html: badge(currentLabel, 'current') });
    });
  }

  function fit() {
    var canvas = viewer.get('canvas');
    canvas.zoom('fit-viewport', 'auto');
  }

  // On a phone the whole SOP fitted into the width is unreadably small: show the step open now
  // (or the last one done) at a readable size instead; "Pas layar" still shows everything.
  function focusOnCase(done, current) {
    var canvas = viewer.get('canvas');
    var registry = viewer.get('elementRegistry');
    var outer = canvas.viewbox().outer;
    if (outer.width >= 700) { return; }
    var target = null;
    current.concat(done.slice().reverse()).some(function (id) { target = registry.get(id); return !!target; });
    if (!target) { return; }
    var scale = 0.6;
    var width = outer.width / scale;
    var height = outer.height / scale;
    canvas.viewbox({ x: target.x + target.width / 2 - width / 2, y: target.y + target.height / 2 - height / 2,
                     width: width, height: height });
  }

  function tools() {
    var bar = host.querySelector('.diagram-tools');
    if (!bar) { return; }
    bar.hidden = false;
    bar.addEventListener('click', function (event) {
      var button = event.target.closest('[data-zoom]');
      if (!button) { return; }
      var canvas = viewer.get('canvas');
      var how = button.getAttribute('data-zoom');
      if (how === 'fit') { fit(); return; }
      canvas.zoom(canvas.zoom() * (how === 'in' ? 1.25 : 0.8));
    });
  }

  fetch(host.getAttribute('data-xml-url'), { credentials: 'same-origin' })
    .then(function (response) {
      if (!response.ok || response.redirected) { throw new Error('diagram ' + response.status); }
      return response.text();
    })
    .then(function (xml) { return viewer.importXML(xml); })
    .then(function () {
      fit();
      mark(ids('data-done'), ids('data-current'));
      focusOnCase(ids('data-done'), ids('data-current'));
      tools();
      host.classList.add('diagram-ready');
    })
    .catch(fail);
}());
