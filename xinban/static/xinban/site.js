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
  // A score sheet (docs/forms.md, "Score sheets"): a value outside 0–max is flagged as it
  // is typed; "submit" first names every missing item in one message, then asks for
  // confirmation, since a submitted sheet cannot be changed. The server checks the same.
  document.querySelectorAll("form[data-score-sheet]").forEach((form) => {
    const problems = form.querySelector("[data-sheet-problems]");
    const points = Array.from(form.querySelectorAll("input[data-max]"));
    const texts = Array.from(form.querySelectorAll("textarea"));
    const feedbackFor = (input) => {
      const id = `${input.id}_range`;
      let box = document.getElementById(id);
      if (!box) {
        box = document.createElement("div");
        box.id = id;
        box.className = "invalid-feedback";
        box.setAttribute("aria-live", "polite");
        input.insertAdjacentElement("afterend", box);
      }
      return box;
    };
    const inRange = (input) => {
      const value = input.value.trim();
      const number = Number(value);
      const ok = value === "" || (!Number.isNaN(number) && number >= 0 && number <= Number(input.dataset.max));
      const box = feedbackFor(input);
      input.classList.toggle("is-invalid", !ok);
      box.textContent = ok ? "" : form.dataset.outOfRange.replace("{max}", input.dataset.maxLabel || input.dataset.max);
      box.classList.toggle("d-block", !ok);
      if (ok) input.removeAttribute("aria-invalid"); else input.setAttribute("aria-invalid", "true");
      return ok;
    };
    points.forEach((input) => input.addEventListener("input", () => inRange(input)));
    const labelOf = (element) => {
      if (element.dataset.label) return element.dataset.label;
      const label = form.querySelector(`label[for="${element.id}"]`);
      return label ? label.textContent.replace("*", "").trim() : element.name;
    };
    form.addEventListener("submit", (event) => {
      const submitter = event.submitter;
      if (!submitter || submitter.name !== "submit") return;
      const wrong = points.filter((input) => !inRange(input));
      if (wrong.length) {
        event.preventDefault();
        wrong[0].focus();
        return;
      }
      const missing = [...points, ...texts].filter((element) => element.value.trim() === "");
      if (missing.length) {
        event.preventDefault();
        const items = missing.map(labelOf).join(form.dataset.listSeparator || "、");
        problems.textContent = form.dataset.missing.replace("{items}", items);
        problems.className = "alert alert-danger";  // only while shown: one red box at a time
        problems.hidden = false;
        problems.focus();
        return;
      }
      problems.hidden = true;
      problems.className = "";
      if (!window.confirm(form.dataset.confirmSubmit)) event.preventDefault();
    });
  });
  // Confirm before destructive actions.
  document.querySelectorAll("form[data-confirm]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  });
});
