/* Inbox polling: re-fetch the table body every few seconds (the same filters as the page),
   swap it when it changed, and announce new tasks in the live region. Paused while the tab
   is hidden. Without JS the page still works: it just needs a reload. */
(function () {
  'use strict';
  var table = document.getElementById('inbox-table');
  if (!table || !window.fetch || !window.Set) { return; }

  var url = table.getAttribute('data-rows-url');
  var seconds = parseFloat(table.getAttribute('data-poll-seconds'));
  var period = Math.max(1, isFinite(seconds) ? seconds : 4) * 1000;
  var newText = table.getAttribute('data-new-text') || '__N__';
  var live = document.getElementById('inbox-live');
  var count = document.getElementById('inbox-count');
  var timer = null;
  var busy = false;
  var stopped = false;

  function body() { return table.querySelector('tbody'); }

  function taskIds(tbody) {
    var ids = new Set();
    tbody.querySelectorAll('tr[data-task-id]').forEach(function (row) {
      ids.add(row.getAttribute('data-task-id'));
    });
    return ids;
  }

  var last = '';  // the fragment as last served; the first answer always replaces the page's copy

  function swap(html) {
    var current = body();
    // Keep a keyboard or screen-reader user where they are: try again on the next tick.
    if (current.contains(document.activeElement)) { return; }
    var holder = document.createElement('template');
    holder.innerHTML = '<table>' + html + '</table>';
    var fresh = holder.content.querySelector('tbody');
    if (!fresh) { return; }
    var before = taskIds(current);
    var added = 0;
    taskIds(fresh).forEach(function (id) { if (!before.has(id)) { added += 1; } });
    current.replaceWith(fresh);
    last = html;
    if (count && fresh.getAttribute('data-count-text')) {
      count.textContent = fresh.getAttribute('data-count-text');
    }
    if (added > 0 && live) {
      live.textContent = newText.replace('__N__', String(added));
    }
  }

  function refresh() {
    if (busy || stopped || document.hidden) { return; }
    busy = true;
    fetch(url, { credentials: 'same-origin', cache: 'no-store', headers: { 'Accept': 'text/html' } })
      .then(function (response) {
        // A redirect means the session ended (login page): stop rather than swap in a page.
        if (response.redirected || response.status === 403) { stopped = true; }
        if (stopped || !response.ok) { return last; }
        return response.text();
      })
      .then(function (html) {
        html = html.trim();
        if (html !== last) { swap(html); }
      })
      .catch(function () { /* offline for a moment: the next tick tries again */ })
      .then(function () { busy = false; });
  }

  function start() {
    if (timer === null) { timer = window.setInterval(refresh, period); }
  }

  function pause() {
    if (timer !== null) { window.clearInterval(timer); timer = null; }
  }

  document.addEventListener('visibilitychange', function () {
    if (document.hidden) { pause(); } else { refresh(); start(); }
  });

  if (!document.hidden) { start(); }
}());
