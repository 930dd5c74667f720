// Small enhancements only; every page works without JavaScript.
document.addEventListener("DOMContentLoaded", () => {
  // Pre-fill a time zone field with the browser's zone, when the person has not chosen one.
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  document.querySelectorAll("select[data-detect-time-zone]").forEach((select) => {
    if (!select.dataset.chosen && zone && [...select.options].some((o) => o.value === zone)) {
      select.value = zone;
    }
  });
});
