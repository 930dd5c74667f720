// The intake page: show follow-up questions as answers change, and save a draft every
// few seconds and when the page is hidden. The server decides what counts; this only helps.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.querySelector("form[data-draft-url]");
  if (!form) return;
  const status = document.getElementById("draft-status");
  const seconds = Number(form.dataset.draftSeconds) || 20;
  let dirty = false;
  let saving = false;

  const valuesOf = (name) =>
    [...form.elements]
      .filter((el) => el.name === name && (!["radio", "checkbox"].includes(el.type) || el.checked))
      .map((el) => el.value);

  const applyRules = () => {
    // In page order, so a question hidden by an earlier one also hides its own follow-ups.
    form.querySelectorAll("[data-show-if-key]").forEach((question) => {
      const key = question.dataset.showIfKey;
      const controller = document.getElementById(`question-${key}`);
      const controllerShown = !controller || !controller.hidden;
      question.hidden = !(controllerShown && valuesOf(key).includes(question.dataset.showIfValue));
    });
  };

  let inFlight = Promise.resolve();
  const save = (keepalive = false) => {
    if (!dirty || saving) return inFlight;
    dirty = false;
    saving = true;
    const body = new FormData(form);
    body.delete("action");
    inFlight = fetch(form.dataset.draftUrl, { method: "POST", body, credentials: "same-origin", keepalive })
      .then(async (response) => {
        if (response.redirected) {
          // The session ended (a login page came back): saving again cannot work from here.
          status.textContent =
            "You have been logged out, so your latest changes on this page are not saved. " +
            "Everything saved before is kept: log in again to carry on where you left off.";
          return;
        }
        if (!response.ok) throw new Error(String(response.status));
        status.innerHTML = await response.text();
        document.dispatchEvent(new CustomEvent("session:activity"));
      })
      .catch(() => {
        dirty = true;
        status.textContent =
          "We could not save a draft just now. Your answers are still on this page; " +
          "use Next or Save and finish later to keep them.";
      })
      .finally(() => {
        saving = false;
      });
    return inFlight;
  };

  form.addEventListener("change", () => {
    dirty = true;
    applyRules();
  });
  form.addEventListener("input", () => {
    dirty = true;
  });
  form.addEventListener("submit", () => {
    dirty = false; // the button's own post saves everything
  });
  // Logging out from this page saves what was typed first. If that fails the person stays,
  // is told, and a second "Log out" leaves without the unsaved answers.
  let leaveUnsaved = false;
  document.querySelectorAll("form[data-logout]").forEach((logout) => {
    logout.addEventListener("submit", (event) => {
      if (leaveUnsaved || (!dirty && !saving)) return;
      event.preventDefault();
      status.textContent = "Saving your answers before logging out…";
      save().then(() => {
        if (!dirty) {
          logout.submit();
          return;
        }
        leaveUnsaved = true;
        status.textContent =
          "We could not save your latest answers, so you are still logged in. Use Save and " +
          "finish later to keep them, or Log out again to leave without them.";
      });
    });
  });
  // Signed out soon for being idle (static/js/session.js): keep what is typed first.
  document.addEventListener("session:expiring", () => save(true));
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "hidden") save(true);
  });
  window.setInterval(save, seconds * 1000);
  applyRules();
});
