/* The auditors' replay page: the arrow keys move to the previous / next event (the page's own
   links, so the server renders every frame), the current event is kept in view in the list, and
   cancelled steps get their marker on the diagram that static/js/case-diagram.js draws (it marks
   the steps done and open; a cancelled step is grey, dashed and labelled "✕ dibatalkan"). */
(function () {
  'use strict';
  var SVG = 'http://www.w3.org/2000/svg';

  function typing(target) {
    var tag = target && target.tagName;
    return tag === 'INPUT' || tag === 'SELECT' || tag === 'TEXTAREA' || (target && target.isContentEditable);
  }

  document.addEventListener('keydown', function (event) {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) { return; }
    if (typing(event.target)) { return; }
    var rel = event.key === 'ArrowLeft' ? 'prev' : event.key === 'ArrowRight' ? 'next' : null;
    if (!rel) { return; }
    var link = document.querySelector('#replay-nav a[rel="' + rel + '"]');
    if (!link) { return; }
    event.preventDefault();
    window.location.assign(link.href);
  });

  // Keep the current event visible inside the list's own scroll box (not the page's).
  var list = document.getElementById('replay-list');
  var current = list && list.querySelector('[aria-current]');
  if (list && current) {
    var item = current.parentNode;
    list.scrollTop = Math.max(0, item.offsetTop - list.offsetTop - list.clientHeight / 2 + item.offsetHeight / 2);
  }

  var host = document.getElementById('case-diagram');
  if (!host) { return; }
  var cancelled = (host.getAttribute('data-cancelled') || '').split(/\s+/).filter(Boolean);
  if (!cancelled.length) { return; }
  var label = '✕ ' + (host.getAttribute('data-cancelled-label') || '');

  function markCancelled() {
    cancelled.forEach(function (id) {
      var gfx = host.querySelector('.djs-element[data-element-id="' + id.replace(/"/g, '') + '"]');
      if (!gfx || gfx.classList.contains('is-cancelled')) { return; }
      gfx.classList.add('is-cancelled');
      var visual = gfx.querySelector('.djs-visual');
      if (!visual) { return; }
      var text = document.createElementNS(SVG, 'text');
      text.setAttribute('class', 'replay-cancelled-mark');
      text.setAttribute('x', '0');
      text.setAttribute('y', '-6');
      text.textContent = label;
      visual.appendChild(text);
    });
  }

  if (host.classList.contains('diagram-ready')) { markCancelled(); return; }
  var watcher = new MutationObserver(function () {
    if (host.classList.contains('diagram-ready')) { watcher.disconnect(); markCancelled(); }
  });
  watcher.observe(host, { attributes: true, attributeFilter: ['class'] });
}());
