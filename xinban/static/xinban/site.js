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
  // A score sheet's running total on the 0–100 scale, as the server computes it:
  // 100 × Σ weight × points / Σ weight × maximum (criteria not yet scored count 0).
  document.querySelectorAll("[data-score-total]").forEach((box) => {
    const form = box.closest("form");
    const out = box.querySelector("[data-score-total-value]");
    const inputs = form ? Array.from(form.querySelectorAll("input[data-weight]")) : [];
    const possible = inputs.reduce((sum, i) => sum + Number(i.dataset.weight) * Number(i.dataset.max), 0);
    if (!out || !possible) return;
    const update = () => {
      const earned = inputs.reduce((sum, i) => {
        const points = Number(i.value);
        return i.value === "" || Number.isNaN(points) ? sum : sum + Number(i.dataset.weight) * points;
      }, 0);
      out.textContent = (100 * earned / possible).toFixed(2);
    };
    inputs.forEach((input) => input.addEventListener("input", update));
    update();
    box.hidden = false;
  });
  // Confirm before destructive actions.
  document.querySelectorAll("form[data-confirm]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  });
});
