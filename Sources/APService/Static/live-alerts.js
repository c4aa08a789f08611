// Live alerts on the pages (issue 19): a progressive enhancement. Without it the page still lists the open
// alerts as they were when it loaded. With it, the banner announces each alert raised, acknowledged or resolved
// at this premises as it happens; EventSource reconnects by itself and resumes after the last event it saw.
(function () {
  var banner = document.getElementById("live-alerts");
  if (!banner || !window.EventSource) return;
  var source = new EventSource(banner.getAttribute("data-stream"));
  var said = { raised: "New alert", acknowledged: "Alert acknowledged", resolved: "Alert resolved" };
  function show(kind, event) {
    var alert = JSON.parse(event.data).alert;
    var item = document.createElement("p");
    item.className = kind === "raised" ? "warn" : "";
    // textContent, never markup: names and reasons are shown, not run.
    item.textContent = said[kind] + ": " + alert.kind.replace(/_/g, " ") + ", " + alert.residentName + " (" +
      alert.crn + "), night of " + alert.night + (alert.escalate ? ". ESCALATE to the out-of-hours manager" : "");
    banner.insertBefore(item, banner.firstChild);
    banner.hidden = false;
  }
  ["raised", "acknowledged", "resolved"].forEach(function (kind) {
    source.addEventListener(kind, function (event) { show(kind, event); });
  });
})();
