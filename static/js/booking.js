// Booking page: show open times in the visitor's own zone, keep the place after a week or a day
// changes, and say what changed. The page works without this file (times then appear in Fort
// Collins time, the zone is chosen from the list with "Show times", and links reload the page).
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-no-js-only]").forEach((element) => { element.hidden = true; });
  const select = document.querySelector("select[data-booking-zone]");
  if (!select) return;
  watchZoneList(select);
  if (select.dataset.chosen) return;
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (!zone || select.value === zone) return;
  // The list holds the common zones; a browser elsewhere adds its own (the server checks it).
  if (![...select.options].some((o) => o.value === zone)) {
    select.add(new Option(zone.replaceAll("_", " "), zone));
  }
  select.value = zone;
  select.form.requestSubmit();  // htmx fetches the times in the new zone
});

// The zone list asks for new times when it is left or its button pressed, never on each arrow
// key (which would fetch and add a history entry per zone passed).
function watchZoneList(select) {
  let shown = select.value;
  select.form.addEventListener("submit", () => { shown = select.value; });
  select.addEventListener("blur", () => {
    if (select.value !== shown) select.form.requestSubmit();
  });
}

// After another week or day comes in, focus its heading (so the keyboard stays on the times)
// and announce it once in the live region.
let moved = null;
document.addEventListener("htmx:beforeRequest", (event) => {
  const link = event.detail.elt;
  moved = link.matches("[data-week-link]") ? "week" : link.matches("[data-day-link]") ? "day" : null;
});
document.addEventListener("htmx:afterSettle", () => {
  if (!moved) return;
  const heading = document.getElementById(moved === "week" ? "week-heading" : "chosen-day-heading")
    || document.getElementById("week-heading");
  const announcer = document.querySelector("[data-slot-announcer]");
  moved = null;
  if (!heading) return;
  heading.focus();
  if (!announcer) return;
  let text = heading.textContent.trim();
  if (heading.id === "chosen-day-heading") {
    const times = heading.parentElement.querySelectorAll(".slots button").length;
    text += times ? `: ${times} open time${times === 1 ? "" : "s"}` : ": no open times";
  }
  announcer.textContent = `${text}.`;
});
