/* The modeler's side panel: what the SOP needs on the selected element. A step (user task):
   number, lane, Mutu Baku (Kelengkapan, Waktu, Output), Keterangan, form and printed symbol; a
   lane: its name and role; a flow out of a gateway: its label and condition; nothing selected:
   the SOP header of the process. Built with DOM calls only (no HTML strings), so names typed into
   a diagram can never become markup. The engine checks everything again on "Periksa". */
(function () {
  'use strict';
  var HEADER_FIELDS = ['sop_nomor', 'sop_judul', 'sop_unit', 'sop_instansi', 'sop_tanggal_pembuatan',
    'sop_tanggal_revisi', 'sop_tanggal_efektif', 'sop_disahkan_oleh', 'sop_disahkan_jabatan', 'sop_disahkan_nrp'];
  var HEADER_LISTS = ['sop_dasar_hukum', 'sop_kualifikasi_pelaksana', 'sop_keterkaitan', 'sop_peralatan',
    'sop_peringatan', 'sop_pencatatan'];
  var DURATION = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/;
  var counter = 0;

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (key === 'text') { node.textContent = attrs[key]; }
      else if (attrs[key] !== null && attrs[key] !== undefined) { node.setAttribute(key, attrs[key]); }
    });
    (children || []).forEach(function (child) { if (child) { node.appendChild(child); } });
    return node;
  }

  function field(label, control, hint) {
    var id = 'panel-field-' + (++counter);
    control.id = id;
    var parts = [el('label', { 'for': id, text: label }), control];
    if (hint) {
      var hintId = id + '-hint';
      control.setAttribute('aria-describedby', hintId);
      parts.push(el('p', { 'class': 'hint', id: hintId, text: hint }));
    }
    return el('div', { 'class': 'field' }, parts);
  }

  function textInput(value, attrs) {
    var input = el('input', Object.assign({ type: 'text' }, attrs || {}));
    input.value = value || '';
    return input;
  }

  function textArea(value, rows) {
    var area = el('textarea', { rows: String(rows || 2) });
    area.value = value || '';
    return area;
  }

  function select(options, value) {
    var box = el('select');
    options.forEach(function (option) {
      var node = el('option', { value: option[0], text: option[1] });
      if (option[0] === value) { node.selected = true; }
      box.appendChild(node);
    });
    return box;
  }

  function minutesOf(iso) {
    var match = DURATION.exec(iso || '');
    if (!match || iso === 'P' || iso === 'PT') { return null; }
    var total = (+(match[1] || 0)) * 1440 + (+(match[2] || 0)) * 60 + (+(match[3] || 0)) + (+(match[4] || 0)) / 60;
    return total > 0 && total === Math.floor(total) ? total : null;
  }

  function isoOf(amount, unit) {
    if (unit === 'days') { return 'P' + amount + 'D'; }
    if (unit === 'hours') { return 'PT' + amount + 'H'; }
    return 'PT' + amount + 'M';
  }

  function Panel(modeler, host, data) {
    this.modeler = modeler;
    this.title = host.querySelector('[data-role="panel-title"]');
    this.body = host.querySelector('[data-role="panel-body"]');
    this.host = host;
    this.data = data;
    this.text = data.text;
    this.current = null;
    var self = this;
    modeler.on('selection.changed', function (event) {
      self.show(event.newSelection.length === 1 ? event.newSelection[0] : null);
    });
    modeler.on('commandStack.changed', function () {
      // Undo/redo or a drag changed the model: redraw. Not for the panel's own edits: redrawing
      // then would throw away the field the owner is moving to.
      if (!self.editing) { self.show(self.current); }
    });
  }

  Panel.prototype.show = function (element) {
    var registry = this.modeler.get('elementRegistry');
    if (element && !registry.get(element.id)) { element = null; }
    this.current = element;
    this.body.textContent = '';
    var type = element ? element.type : null;
    if (type === 'bpmn:UserTask') { this.userTask(element); }
    else if (type === 'bpmn:Lane') { this.lane(element); }
    else if (type === 'bpmn:SequenceFlow') { this.flow(element); }
    else if (type && /^bpmn:(Task|ManualTask|ScriptTask|ServiceTask|SendTask|ReceiveTask|BusinessRuleTask)$/.test(type)) {
      this.plainTask(element);
    } else if (element && type !== 'bpmn:Participant' && type !== 'bpmn:Process' && type !== 'bpmn:Collaboration') {
      this.named(element);
    } else { this.header(); }
  };

  Panel.prototype.quietly = function (change) {
    this.editing = true;
    try { change(); } finally { this.editing = false; }
  };

  Panel.prototype.write = function (element, bo, changes) {
    var modeler = this.modeler;
    this.quietly(function () { window.AlurProps.write(modeler, element, bo, changes); });
  };

  Panel.prototype.rename = function (element, name) {
    var modeling = this.modeler.get('modeling');
    if ((element.businessObject.name || '') !== name) {
      this.quietly(function () { modeling.updateProperties(element, { name: name || undefined }); });
    }
  };

  Panel.prototype.heading = function (text, element) {
    this.title.textContent = text;
    if (element) { this.body.appendChild(el('p', { 'class': 'hint panel-id' }, [el('code', { text: element.id })])); }
  };

  Panel.prototype.nameField = function (element, label) {
    var self = this;
    var input = textInput(element.businessObject.name);
    input.addEventListener('change', function () { self.rename(element, input.value.trim()); });
    this.body.appendChild(field(label, input));
  };

  Panel.prototype.propertyField = function (element, bo, name, label, control, hint) {
    var self = this;
    var current = window.AlurProps.read(bo, name);
    if (control.tagName === 'SELECT') {
      if (current !== null) { control.value = current; }
    } else { control.value = current || ''; }
    control.setAttribute('data-property', name);
    control.addEventListener('change', function () {
      var change = {};
      change[name] = control.value.trim();
      self.write(element, bo, change);
    });
    this.body.appendChild(field(label, control, hint));
    return control;
  };

  Panel.prototype.userTask = function (element) {
    var bo = element.businessObject;
    var t = this.text;
    this.heading(t.task, element);
    this.nameField(element, t.name);
    this.propertyField(element, bo, 'sop_step', t.sop_step, textInput('', { inputmode: 'numeric', pattern: '[0-9]*' }));
    this.laneField(element);
    this.propertyField(element, bo, 'kelengkapan', t.kelengkapan, textArea('', 2));
    this.waktuField(element, bo);
    this.propertyField(element, bo, 'output', t.output, textArea('', 2));
    this.propertyField(element, bo, 'keterangan', t.keterangan, textArea('', 2));
    var forms = [['', t.choose]].concat(Object.keys(this.data.forms).map(function (key) {
      return [key, key + ' — ' + this.data.forms[key]];
    }, this));
    this.propertyField(element, bo, 'form_key', t.form_key, select(forms, ''));
    var symbols = Object.keys(this.data.symbols).map(function (key) { return [key, this.data.symbols[key]]; }, this);
    var symbol = this.propertyField(element, bo, 'sop_simbol', t.symbol, select(symbols, 'kegiatan'));
    if (window.AlurProps.read(bo, 'sop_simbol') === null) { symbol.value = 'kegiatan'; }
  };

  Panel.prototype.waktuField = function (element, bo) {
    var self = this;
    var t = this.text;
    var iso = window.AlurProps.read(bo, 'waktu') || '';
    var minutes = minutesOf(iso);
    var unit = minutes && minutes % 1440 === 0 ? 'days' : (minutes && minutes % 60 === 0 ? 'hours' : 'minutes');
    var amount = minutes === null ? '' : String(unit === 'days' ? minutes / 1440 : unit === 'hours' ? minutes / 60 : minutes);
    var number = el('input', { type: 'number', min: '1', step: '1', inputmode: 'numeric', 'data-property': 'waktu' });
    number.value = amount;
    var units = select([['minutes', t.minutes], ['hours', t.hours], ['days', t.days]], unit);
    units.setAttribute('aria-label', t.waktu_unit);
    function save() {
      var value = parseInt(number.value, 10);
      if (value > 0) { self.write(element, bo, { waktu: isoOf(value, units.value) }); }
    }
    number.addEventListener('change', save);
    units.addEventListener('change', save);
    var wrap = field(t.waktu, number, iso && minutes === null ? iso : null);
    wrap.classList.add('field-duration');
    wrap.appendChild(units);
    this.body.appendChild(wrap);
  };

  Panel.prototype.lanes = function () {
    return this.modeler.get('elementRegistry').filter(function (e) {
      var bo = e.businessObject;
      return e.type === 'bpmn:Lane' && !(bo.childLaneSet && bo.childLaneSet.lanes && bo.childLaneSet.lanes.length);
    });
  };

  Panel.prototype.laneOf = function (element) {
    var bo = element.businessObject;
    return this.lanes().filter(function (lane) {
      return (lane.businessObject.flowNodeRef || []).indexOf(bo) >= 0;
    })[0] || null;
  };

  Panel.prototype.laneField = function (element) {
    var self = this;
    var lanes = this.lanes();
    if (!lanes.length) { return; }
    var current = this.laneOf(element);
    var options = [['', this.text.choose]].concat(lanes.map(function (lane) {
      return [lane.id, lane.businessObject.name || lane.id];
    }));
    var box = select(options, current ? current.id : '');
    box.setAttribute('data-property', 'lane');
    box.addEventListener('change', function () {
      var lane = self.modeler.get('elementRegistry').get(box.value);
      if (!lane) { return; }
      // Lane membership follows the shape's position (bpmn-js updates flowNodeRef on move).
      var dy = lane.y + lane.height / 2 - (element.y + element.height / 2);
      self.quietly(function () { self.modeler.get('modeling').moveShape(element, { x: 0, y: dy }); });
    });
    this.body.appendChild(field(this.text.lane, box));
  };

  Panel.prototype.plainTask = function (element) {
    var self = this;
    this.heading(this.text.plain_task, element);
    this.nameField(element, this.text.name);
    this.body.appendChild(el('p', { 'class': 'hint', text: this.text.plain_task_hint }));
    var button = el('button', { type: 'button', 'data-action': 'make-user-task', text: this.text.make_user_task });
    button.addEventListener('click', function () {
      var replaced = self.modeler.get('bpmnReplace').replaceElement(element, { type: 'bpmn:UserTask' });
      self.modeler.get('selection').select(replaced);
    });
    this.body.appendChild(button);
  };

  Panel.prototype.lane = function (element) {
    var roles = [['', this.text.choose]].concat(this.data.roles.map(function (r) { return [r, r]; }));
    this.heading(this.text.lane_title, element);
    this.nameField(element, this.text.lane_name);
    this.propertyField(element, element.businessObject, 'role', this.text.role, select(roles, ''));
  };

  Panel.prototype.flow = function (element) {
    var self = this;
    var bo = element.businessObject;
    this.heading(this.text.flow_title, element);
    this.nameField(element, this.text.flow_name);
    if (!/Gateway$/.test(bo.sourceRef && bo.sourceRef.$type || '')) { return; }
    var area = textArea(bo.conditionExpression ? bo.conditionExpression.body : '', 2);
    area.setAttribute('data-property', 'condition');
    area.addEventListener('change', function () {
      var body = area.value.trim();
      var expression = body ? self.modeler.get('moddle').create('bpmn:FormalExpression', { body: body }) : undefined;
      self.quietly(function () {
        self.modeler.get('modeling').updateProperties(element, { conditionExpression: expression });
      });
    });
    this.body.appendChild(field(this.text.condition, area, this.text.condition_hint));
  };

  Panel.prototype.named = function (element) {
    this.heading(this.text.element_title, element);
    this.nameField(element, this.text.name);
  };

  Panel.prototype.processTarget = function () {
    var canvas = this.modeler.get('canvas');
    var root = canvas.getRootElement();
    if (!root || !root.businessObject) { return null; }  // before the first import
    if (root.businessObject.$instanceOf('bpmn:Collaboration')) {
      var parts = this.modeler.get('elementRegistry').filter(function (e) {
        return e.type === 'bpmn:Participant' && e.businessObject.processRef;
      });
      var pick = parts.filter(function (p) { return p.businessObject.processRef.isExecutable; })[0] || parts[0];
      return pick ? { element: pick, bo: pick.businessObject.processRef } : null;
    }
    return { element: root, bo: root.businessObject };
  };

  Panel.prototype.header = function () {
    var self = this;
    var t = this.text;
    this.title.textContent = t.header_title;
    var target = this.processTarget();
    if (!target) { return; }
    this.body.appendChild(el('p', { 'class': 'hint', text: t.header_hint }));
    HEADER_FIELDS.forEach(function (name) {
      var long = name === 'sop_judul' || name === 'sop_instansi' || name === 'sop_unit';
      var control = long ? textArea('', 2) : textInput('', /^sop_tanggal_/.test(name) ? { type: 'date' } : {});
      self.propertyField(target.element, target.bo, name, t[name], control);
    });
    var all = window.AlurProps.readAll(target.bo);
    HEADER_LISTS.forEach(function (base) {
      var numbered = Object.keys(all).filter(function (n) { return new RegExp('^' + base + '_\\d+$').test(n); })
        .sort(function (a, b) { return +a.split('_').pop() - +b.split('_').pop(); });
      var area = textArea(numbered.map(function (n) { return all[n]; }).join('\n'), Math.max(2, numbered.length));
      area.setAttribute('data-property', base);
      area.addEventListener('change', function () {
        var lines = area.value.split('\n').map(function (l) { return l.trim(); }).filter(Boolean);
        var changes = {};
        numbered.forEach(function (n) { changes[n] = null; });
        lines.forEach(function (line, i) { changes[base + '_' + (i + 1)] = line; });
        self.write(target.element, target.bo, changes);
        numbered = lines.map(function (_, i) { return base + '_' + (i + 1); });
      });
      self.body.appendChild(field(t[base], area));
    });
  };

  window.AlurPanel = Panel;
})();
