/* The process owner's modeler page: bpmn-js Modeler (served by the app) with the SOP side panel.
   Save keeps the draft (another owner's newer save is never overwritten: the server answers 409),
   "Periksa" runs exactly the engine's deploy checks and lists the problems, a click on one selects
   its element; "Terbitkan" saves, then publishes with a change note, all or nothing. */
(function () {
  'use strict';
  var host = document.getElementById('modeler');
  if (!host) { return; }
  var data = JSON.parse(document.getElementById('modeler-data').textContent);
  var text = data.text;
  var csrf = document.querySelector('meta[name="csrf-token"]').getAttribute('content');
  var statusEl = host.querySelector('[data-role="status"]');
  var dirtyEl = host.querySelector('[data-role="dirty"]');
  var problemsBox = host.querySelector('[data-role="problems"]');
  var problemsTitle = host.querySelector('[data-role="problems-title"]');
  var problemList = host.querySelector('[data-role="problem-list"]');
  var dialog = host.querySelector('[data-role="publish-dialog"]');
  var revision = host.getAttribute('data-revision') || null;
  var baseVersion = host.getAttribute('data-base-version') || null;
  var dirty = false;
  var marked = [];

  if (!window.BpmnJS || !window.fetch) { status(text.loading_failed, true); return; }
  var modeler = new window.BpmnJS({ container: host.querySelector('[data-role="canvas"]') });
  window.AlurProps.install(modeler);
  new window.AlurPanel(modeler, host.querySelector('[data-role="panel"]'), data);
  // For the browser tests and the curious: the live modeler, as bpmn-js examples expose it.
  window.alurModeler = modeler;

  function status(message, isError) {
    statusEl.textContent = message || '';
    statusEl.classList.toggle('is-error', !!isError);
  }

  function setDirty(value) {
    dirty = value;
    dirtyEl.hidden = !value;
  }

  modeler.on('commandStack.changed', function () { setDirty(true); });
  window.addEventListener('beforeunload', function (event) {
    if (dirty) { event.preventDefault(); event.returnValue = text.unsaved_leave; }
  });

  function post(url, body) {
    return fetch(url, {
      method: 'POST', credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'Accept': 'application/json', 'X-CSRFToken': csrf },
      body: JSON.stringify(body)
    }).then(function (response) {
      if (response.status === 413) { return { status: 413, body: { message: text.too_big } }; }
      return response.json().then(function (json) { return { status: response.status, body: json }; },
        function () { return { status: response.status, body: { message: text.network } }; });
    });
  }

  function currentXml() {
    return modeler.saveXML({ format: true }).then(function (result) { return result.xml; });
  }

  function clearMarks() {
    var canvas = modeler.get('canvas');
    marked.forEach(function (id) { if (modeler.get('elementRegistry').get(id)) { canvas.removeMarker(id, 'has-problem'); } });
    marked = [];
  }

  function select(id) {
    var element = modeler.get('elementRegistry').get(id);
    if (!element) { status(text.no_element, true); return; }
    modeler.get('selection').select(element);
    modeler.get('canvas').scrollToElement(element);
  }

  function showProblems(problems, title) {
    clearMarks();
    problemList.textContent = '';
    problemsBox.hidden = false;
    problemsTitle.textContent = title;
    problemsBox.classList.toggle('is-valid', !problems.length);
    var canvas = modeler.get('canvas');
    problems.forEach(function (problem) {
      var item = document.createElement('li');
      var id = problem.element_id;
      if (id && modeler.get('elementRegistry').get(id)) {
        var button = document.createElement('button');
        button.type = 'button';
        button.className = 'link problem-link';
        button.setAttribute('data-element-id', id);
        button.textContent = problem.message;
        button.addEventListener('click', function () { select(id); });
        item.appendChild(button);
        if (marked.indexOf(id) < 0) { canvas.addMarker(id, 'has-problem'); marked.push(id); }
      } else {
        item.textContent = problem.message;
      }
      problemList.appendChild(item);
    });
    problemsTitle.focus();
  }

  function save() {
    status(text.saving);
    return currentXml().then(function (xml) {
      return post(host.getAttribute('data-save-url'), { xml: xml, revision: revision, base_version: baseVersion });
    }).then(function (result) {
      if (result.status === 200 && result.body.saved) {
        revision = String(result.body.revision);
        setDirty(false);
        status(text.saved);
        return true;
      }
      if (result.body.problems) { showProblems(result.body.problems, result.body.message); }
      status(result.body.message || text.network, true);
      return false;
    }, function () { status(text.network, true); return false; });
  }

  function check() {
    status(text.checking);
    return currentXml().then(function (xml) {
      return post(host.getAttribute('data-check-url'), { xml: xml });
    }).then(function (result) {
      var problems = result.body.problems || [];
      showProblems(problems, result.body.message || '');
      status(result.body.valid ? text.valid : problems.length + ' ' + text.problems, !result.body.valid);
    }, function () { status(text.network, true); });
  }

  function publish(note) {
    status(text.publishing);
    return save().then(function (saved) {
      if (!saved) { return; }
      return fetch(host.getAttribute('data-publish-url'), {
        method: 'POST', credentials: 'same-origin',
        headers: { 'Accept': 'application/json', 'X-CSRFToken': csrf },
        body: new URLSearchParams({ catatan: note, revisi: revision || '' })
      }).then(function (response) { return response.json(); }).then(function (body) {
        if (body.published) {
          setDirty(false);
          window.location.assign(body.redirect);
          return;
        }
        showProblems(body.problems || [], body.message || text.not_published);
        status(text.not_published, true);
      }, function () { status(text.network, true); });
    });
  }

  function download() {
    currentXml().then(function (xml) {
      var link = document.createElement('a');
      link.href = URL.createObjectURL(new Blob([xml], { type: 'application/xml' }));
      link.download = host.getAttribute('data-process-key') + '-draf.bpmn';
      document.body.appendChild(link);
      link.click();
      link.remove();
    });
  }

  host.querySelector('[data-action="save"]').addEventListener('click', save);
  host.querySelector('[data-action="check"]').addEventListener('click', check);
  host.querySelector('[data-action="download"]').addEventListener('click', download);
  host.querySelector('[data-action="publish"]').addEventListener('click', function () { dialog.showModal(); });
  host.querySelector('[data-action="cancel-publish"]').addEventListener('click', function () { dialog.close(); });
  host.querySelector('[data-role="publish-form"]').addEventListener('submit', function (event) {
    event.preventDefault();
    var note = dialog.querySelector('textarea').value.trim();
    dialog.close();
    publish(note);
  });

  fetch(host.getAttribute('data-source-url'), { credentials: 'same-origin' })
    .then(function (response) {
      if (!response.ok) { throw new Error(String(response.status)); }
      return response.text();
    })
    .then(function (xml) { return modeler.importXML(xml); })
    .then(function () {
      var canvas = modeler.get('canvas');
      canvas.zoom('fit-viewport', 'auto');
      // Shift the diagram right of the palette, which would otherwise cover the first lane.
      var box = canvas.viewbox();
      var extra = 90 / box.scale;
      var grow = (box.width + extra) / box.width;
      canvas.viewbox({ x: box.x - extra, y: box.y - box.height * (grow - 1) / 2,
        width: box.width + extra, height: box.height * grow });
      setDirty(false);
      host.classList.add('is-ready');
      modeler.get('selection').select(null);
      modeler.get('eventBus').fire('selection.changed', { oldSelection: [], newSelection: [] });
    })
    .catch(function (error) {
      status(text.loading_failed, true);
      if (window.console) { window.console.error('modeler: ' + error); }
    });
})();
