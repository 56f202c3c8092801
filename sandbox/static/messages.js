// Keeps the message log table live: every second, fetch the entries newer than the
// newest shown (with the page's filters) and put them on top.
(function () {
  "use strict";
  var table = document.getElementById("messages");
  if (!table || !window.fetch) { return; }
  var body = table.tBodies[0];
  var after = Number(table.dataset.after || 0);
  function cell(tr, text, code) {
    var td = document.createElement("td");
    if (code) { var c = document.createElement("code"); c.textContent = text; td.appendChild(c); } else { td.textContent = text; }
    tr.appendChild(td);
  }
  function poll() {
    var q = new URLSearchParams({ after: String(after), limit: "100" });
    if (table.dataset.service) { q.set("service", table.dataset.service); }
    if (table.dataset.issue) { q.set("issue", table.dataset.issue); }
    fetch("/mediator/messages.json?" + q.toString()).then(function (r) { return r.json(); }).then(function (data) {
      var items = data.items || [];
      for (var i = items.length - 1; i >= 0; i--) {
        var m = items[i];
        var tr = document.createElement("tr");
        if (m.status >= 400) { tr.className = "failed"; }
        cell(tr, String(m.seq)); cell(tr, m.time); cell(tr, m.client, true); cell(tr, m.service, true);
        cell(tr, m.method + " " + m.path, true); cell(tr, m.issue || "");
        cell(tr, String(m.status) + (m.error ? " " + m.error : "")); cell(tr, (m.duration_us / 1000).toFixed(1));
        body.insertBefore(tr, body.firstChild);
        after = Math.max(after, m.seq);
      }
      var empty = document.getElementById("empty");
      if (empty && items.length) { empty.remove(); }
    }).catch(function () {}).then(function () { setTimeout(poll, 1000); });
  }
  setTimeout(poll, 1000);
})();
