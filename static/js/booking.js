// Booking page: show open times in the visitor's own zone. The page works without this file
// (times then appear in Fort Collins time, and the zone can be chosen from the list).
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-no-js-only]").forEach((element) => { element.hidden = true; });
  const select = document.querySelector("select[data-booking-zone]");
  if (!select || select.dataset.chosen) return;
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (!zone || select.value === zone || ![...select.options].some((o) => o.value === zone)) return;
  select.value = zone;
  // htmx listens for "change" on the form and fetches the week in the new zone.
  select.dispatchEvent(new Event("change", { bubbles: true }));
});
