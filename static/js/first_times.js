// A therapist's page: their first open times again in the browser's own zone, when it is not
// the one the page was written in. Without this file the times stay in the zone they name.
document.addEventListener("DOMContentLoaded", () => {
  const times = document.getElementById("first-times");
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (!times || !zone || times.dataset.zone === zone || !window.htmx) return;
  const url = `${times.dataset.firstTimesUrl}?${new URLSearchParams({ tz: zone })}`;
  window.htmx.ajax("GET", url, { target: "#first-times", swap: "outerHTML" });
});
