// The held time: a countdown to the end of the hold. Without this file the page shows the
// end time, which is all a person needs. The countdown's figures change every second on
// screen, but a screen reader hears only three things: 5 minutes left, 1 minute left, ended.
document.addEventListener("DOMContentLoaded", () => {
  const countdown = document.querySelector("[data-hold-countdown]");
  if (!countdown) return;
  const endsAt = new Date(countdown.dataset.endsAt).getTime();
  const clock = countdown.querySelector("[data-countdown-clock]");
  const announcer = document.querySelector("[data-countdown-announcer]");
  const ended = document.querySelector("[data-hold-ended]");
  const said = new Set();
  countdown.hidden = false;

  const say = (key, text) => {
    if (said.has(key)) return;
    said.add(key);
    announcer.textContent = text;
  };

  const tick = () => {
    const left = Math.max(0, Math.ceil((endsAt - Date.now()) / 1000));
    const minutes = Math.floor(left / 60);
    clock.textContent = `${minutes}:${String(left % 60).padStart(2, "0")}`;
    if (left === 0) {
      clearInterval(timer);
      countdown.hidden = true;
      ended.hidden = false;
      say("ended", "Your hold has ended. You can hold this time again or choose another.");
    } else if (left <= 60) {
      say("1", "1 minute left to confirm this time.");
    } else if (left <= 300) {
      say("5", "5 minutes left to confirm this time.");
    }
  };
  // A page opened late does not announce a mark already passed: its status says the end time.
  const atStart = (endsAt - Date.now()) / 1000;
  if (atStart <= 300) said.add("5");
  if (atStart <= 60) said.add("1");
  const timer = setInterval(tick, 1000);
  tick();
});
