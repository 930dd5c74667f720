// Warn a signed-in person before the server signs them out for being idle, and let them stay.
// The server ends a sign-in after data-session-idle seconds without a request; pages with work
// in progress (the intake) save it when they hear "session:expiring".
document.addEventListener("DOMContentLoaded", () => {
  const idle = Number(document.body.dataset.sessionIdle);
  const warning = document.getElementById("session-warning");
  if (!idle || !warning) return;
  const button = warning.querySelector("button");
  const warnBefore = Math.min(300, idle / 6); // five minutes, or less for a short limit
  let timer;

  const show = () => {
    document.dispatchEvent(new CustomEvent("session:expiring"));
    warning.hidden = false;
    button.focus();
  };
  const restart = () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(show, (idle - warnBefore) * 1000);
  };

  button.addEventListener("click", () => {
    fetch(document.body.dataset.sessionKeepalive, { credentials: "same-origin" }).then(
      (response) => {
        if (response.ok && !response.redirected) {
          warning.hidden = true;
          restart();
        }
      },
    );
  });
  // Requests this page makes by itself (a saved draft, a new week of times) count as activity.
  document.addEventListener("session:activity", restart);
  document.addEventListener("htmx:afterRequest", restart);
  restart();
});
