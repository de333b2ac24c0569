/* The SOP's data on BPMN elements: <spiffworkflow:properties><spiffworkflow:property name= value=/>
   inside extensionElements. They are read and written as bpmn-moddle's generic elements, not
   through a moddle descriptor: a descriptor for the spiffworkflow namespace would make bpmn-moddle
   drop every spiffworkflow element it does not describe (preScript, postScript...) from files
   made in other tools. Changes go through one command, so undo/redo and the "unsaved" flag work. */
(function () {
  'use strict';
  var SPIFF = 'http://spiffworkflow.org/bpmn/schema/1.0/core';
  var CONTAINER = 'spiffworkflow:properties';
  var PROPERTY = 'spiffworkflow:property';

  function container(bo) {
    var ext = bo && bo.extensionElements;
    if (!ext || !ext.values) { return null; }
    for (var i = 0; i < ext.values.length; i++) {
      if (ext.values[i].$type === CONTAINER) { return ext.values[i]; }
    }
    return null;
  }

  function entries(bo) {
    var found = container(bo);
    return found && found.$children ? found.$children.filter(function (c) { return c.$type === PROPERTY; }) : [];
  }

  function read(bo, name) {
    var list = entries(bo);
    for (var i = 0; i < list.length; i++) {
      if (list[i].name === name) { return list[i].value == null ? '' : String(list[i].value); }
    }
    return null;
  }

  function readAll(bo) {
    var out = {};
    entries(bo).forEach(function (p) { out[p.name] = p.value == null ? '' : String(p.value); });
    return out;
  }

  // context: { element, bo, changes: [{ name, value }] } where value null removes the property.
  function SetPropertiesHandler(moddle) { this._moddle = moddle; }
  SetPropertiesHandler.$inject = ['moddle'];

  SetPropertiesHandler.prototype.execute = function (context) {
    var moddle = this._moddle;
    var bo = context.bo;
    var undo = context.undo = { createdExt: false, createdContainer: null, steps: [] };
    if (!bo.extensionElements) {
      bo.extensionElements = moddle.create('bpmn:ExtensionElements', { values: [] });
      bo.extensionElements.$parent = bo;
      undo.createdExt = true;
    }
    var ext = bo.extensionElements;
    ext.values = ext.values || [];
    var box = container(bo);
    if (!box) {
      box = moddle.createAny(CONTAINER, SPIFF, { $children: [] });
      box.$parent = ext;
      ext.values.push(box);
      undo.createdContainer = box;
    }
    box.$children = box.$children || [];
    context.changes.forEach(function (change) {
      var index = -1;
      for (var i = 0; i < box.$children.length; i++) {
        var child = box.$children[i];
        if (child.$type === PROPERTY && child.name === change.name) { index = i; break; }
      }
      if (index >= 0 && change.value === null) {
        undo.steps.push({ kind: 'removed', index: index, prop: box.$children.splice(index, 1)[0] });
      } else if (index >= 0) {
        undo.steps.push({ kind: 'set', prop: box.$children[index], old: box.$children[index].value });
        box.$children[index].value = change.value;
      } else if (change.value !== null) {
        var prop = moddle.createAny(PROPERTY, SPIFF, { name: change.name, value: change.value });
        prop.$parent = box;
        box.$children.push(prop);
        undo.steps.push({ kind: 'created', prop: prop });
      }
    });
    undo.box = box;
    return context.element;
  };

  SetPropertiesHandler.prototype.revert = function (context) {
    var undo = context.undo;
    var box = undo.box;
    undo.steps.slice().reverse().forEach(function (step) {
      if (step.kind === 'removed') { box.$children.splice(step.index, 0, step.prop); }
      else if (step.kind === 'set') { step.prop.value = step.old; }
      else { box.$children.splice(box.$children.indexOf(step.prop), 1); }
    });
    var bo = context.bo;
    if (undo.createdContainer) {
      var values = bo.extensionElements.values;
      values.splice(values.indexOf(undo.createdContainer), 1);
    }
    if (undo.createdExt) { bo.extensionElements = undefined; }
    return context.element;
  };

  function install(modeler) {
    modeler.get('commandStack').registerHandler('alur.setProperties', SetPropertiesHandler);
  }

  // changes: { name: value or null }
  function write(modeler, element, bo, changes) {
    var list = Object.keys(changes).map(function (name) { return { name: name, value: changes[name] }; });
    var differs = list.some(function (c) { return read(bo, c.name) !== c.value; });
    if (!differs) { return; }
    modeler.get('commandStack').execute('alur.setProperties', { element: element, bo: bo, changes: list });
  }

  window.AlurProps = { install: install, read: read, readAll: readAll, write: write };
})();
