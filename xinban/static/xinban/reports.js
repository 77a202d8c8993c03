// 附件6 and 附件7 pages: live comparison with the platform's figures, the live character
// count of the work summary, adding and removing rows of the table of events. The pages
// work without it (the server checks everything again).
(() => {
  "use strict";

  // 字数: every character except white space (as xinban.reports.selectors.count_characters).
  const countCharacters = (text) => Array.from(text || "").filter((ch) => !/\s/u.test(ch)).length;

  const initStatistics = () => {
    document.querySelectorAll("#statistics-items tr[data-platform]").forEach((row) => {
      const input = row.querySelector("input[type=number], input[inputmode]");
      const badge = row.querySelector("[data-differs]");
      if (!input) return;
      const platform = Number(row.dataset.platform);
      const update = () => {
        const value = input.value.trim();
        const differs = value !== "" && Number(value) !== platform;
        row.classList.toggle("table-warning", differs);
        if (badge) badge.classList.toggle("d-none", !differs);
      };
      input.addEventListener("input", update);
      update(); // what was typed before this script ran (it is deferred) is compared too
    });
  };

  // A date picker's "2025-03-15" counts as the forms print it, "2025年3月15日" (as the server).
  const asPrinted = (field) => {
    const m = field.type === "date" && /^(\d{4})-(\d{2})-(\d{2})$/.exec(field.value);
    return m ? `${m[1]}年${Number(m[2])}月${Number(m[3])}日` : field.value;
  };

  const initSummary = () => {
    const form = document.getElementById("summary-form");
    if (!form) return;
    const out = document.getElementById("summary-count");
    const missing = document.getElementById("summary-missing");
    const min = Number(form.dataset.minChars || "3000");
    const body = document.getElementById("events-body");
    const template = document.getElementById("event-row-template");
    const total = form.querySelector("input[name$='-TOTAL_FORMS']");

    const recount = () => {
      let count = 0;
      form.querySelectorAll("[data-summary-text]").forEach((field) => {
        const row = field.closest("[data-event-row]");
        const removed = row && row.querySelector("[data-delete-row]:checked");
        if (!removed) count += countCharacters(asPrinted(field));
      });
      if (out) {
        out.textContent = count.toLocaleString("zh-CN");
        out.classList.toggle("text-danger", count < min);
        out.classList.toggle("text-success", count >= min);
      }
      form.dataset.count = String(count);
      if (missing) {
        const template = missing.dataset.template || "{n}";
        missing.textContent = count < min ? template.replace("{n}", (min - count).toLocaleString("zh-CN")) : "";
      }
    };

    const bindRow = (row) => {
      const box = row.querySelector("[data-delete-row]");
      if (box) {
        row.classList.toggle("opacity-50", box.checked);
        box.addEventListener("change", () => {
          row.classList.toggle("opacity-50", box.checked);
          recount();
        });
      }
    };

    form.addEventListener("input", recount);
    if (body) body.querySelectorAll("[data-event-row]").forEach(bindRow);

    const addButton = form.querySelector("[data-add-row]");
    if (addButton && template && body && total) {
      addButton.addEventListener("click", (event) => {
        event.preventDefault();
        const index = Number(total.value);
        const html = template.innerHTML.replace(/__prefix__/g, String(index));
        const holder = document.createElement("tbody");
        holder.innerHTML = html.trim();
        const row = holder.querySelector("tr");
        if (!row) return;
        body.appendChild(row);
        total.value = String(index + 1);
        bindRow(row);
        const first = row.querySelector("input");
        if (first) first.focus();
      });
    }
    recount();
  };

  // Before asking to confirm an irreversible submission, the checks the page can make:
  // the work summary's length (one message, next to the counter; nothing is sent).
  const tooShort = (button) => {
    const form = button.form;
    if (!form || form.id !== "summary-form" || button.value !== "submit") return false;
    const min = Number(form.dataset.minChars || "3000");
    const count = Number(form.dataset.count || "0");
    const box = document.getElementById("summary-length-problem");
    if (!box) return false;
    if (count >= min) {
      box.hidden = true;
      box.className = "";
      return false;
    }
    box.textContent = (box.dataset.template || "")
      .replace("{count}", count.toLocaleString("zh-CN"))
      .replace("{min}", min.toLocaleString("zh-CN"))
      .replace("{missing}", (min - count).toLocaleString("zh-CN"));
    box.className = "alert alert-danger mt-2 mb-0";
    box.hidden = false;
    box.scrollIntoView({ block: "center" });
    return true;
  };

  const initConfirm = () => {
    document.querySelectorAll("[data-confirm-click]").forEach((button) => {
      button.addEventListener("click", (event) => {
        if (tooShort(button) || !window.confirm(button.dataset.confirmClick)) event.preventDefault();
      });
    });
  };

  const start = () => {
    initStatistics();
    initSummary();
    initConfirm();
  };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
