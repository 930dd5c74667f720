// The error summary (templates/_error_summary.html): focused when the page arrives, so a
// screen reader reads it and a keyboard starts from it; each link moves focus to its field and
// shows the field's label or question with it. Without JavaScript the links still jump there.
(() => {
  const focusSummary = (root) => {
    const summary = root.querySelector("[data-error-summary]");
    if (summary) summary.focus();
  };

  const labelFor = (input) => {
    const fieldset = input.closest("fieldset");
    const legend = fieldset && fieldset.querySelector("legend");
    if (legend && input.type && ["radio", "checkbox"].includes(input.type)) return legend;
    return document.querySelector(`label[for="${CSS.escape(input.id)}"]`) || legend;
  };

  document.addEventListener("click", (event) => {
    const link = event.target.closest("[data-error-summary] a[href^='#']");
    if (!link) return;
    const input = document.getElementById(decodeURIComponent(link.hash.slice(1)));
    if (!input) return;
    event.preventDefault();
    (labelFor(input) || input).scrollIntoView();
    input.focus({ preventScroll: true });
  });

  document.addEventListener("DOMContentLoaded", () => focusSummary(document));
  // A part of the page replaced by htmx may bring its own summary.
  document.addEventListener("htmx:afterSwap", (event) => focusSummary(event.target));
})();
