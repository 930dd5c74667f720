// Show the parent or guardian fields only when that box is ticked. Without JavaScript they
// are always shown, and the server checks them either way.
document.addEventListener("DOMContentLoaded", () => {
  const toggle = document.querySelector("[data-guardian-toggle]");
  const fields = document.querySelector("[data-guardian-fields]");
  if (!toggle || !fields) return;
  const sync = () => {
    fields.hidden = !toggle.checked;
  };
  toggle.setAttribute("aria-controls", fields.id);
  toggle.addEventListener("change", sync);
  sync();
});
