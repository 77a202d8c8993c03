// Small progressive enhancements; pages work without them.
document.addEventListener("DOMContentLoaded", () => {
  // Live character counts for textareas that ask for one.
  document.querySelectorAll("textarea[data-count]").forEach((area) => {
    const out = document.getElementById(area.dataset.count);
    const update = () => { if (out) out.textContent = String(area.value.length); };
    area.addEventListener("input", update);
    update();
  });
  document.querySelectorAll("[data-print]").forEach((button) => {
    button.addEventListener("click", () => window.print());
  });
  document.querySelectorAll("[data-autosubmit]").forEach((input) => {
    input.addEventListener("change", () => input.form && input.form.submit());
  });
  // Confirm before destructive actions.
  document.querySelectorAll("form[data-confirm]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  });
});
