// Resumable chunked upload widget (templates/uploads_resumable/_widget.html).
// Protocol: xinban/uploads_resumable/views.py. The file is sent in chunks cut with
// Blob.slice, one PATCH at a time; after a network error the widget waits (exponential
// backoff), asks the server for its offset (HEAD) and continues from there. The session
// id is kept in localStorage per file (name, size, lastModified), so choosing the same
// file again after a reload resumes too. On success the widget fills its hidden input
// (name "upload_id" by default) and fires "chunked-upload:complete" (bubbles; detail:
// {id, sha256, size, filename}); on failure "chunked-upload:error" (detail: {message}).
(() => {
  "use strict";
  if (window.xinbanChunkedUpload) return; // the script is included once per widget

  const TEXT = {
    zh: {
      empty: "文件是空的，请重新选择文件。",
      tooLarge: "文件超过大小上限（{limit}），请压缩后再上传。",
      starting: "正在准备上传…",
      resuming: "从断点继续上传（已上传 {percent}%）…",
      uploading: "正在上传… {percent}%（{done} / {total}）",
      retrying: "网络中断，{seconds} 秒后自动重试（第 {attempt} 次）…",
      paused: "网络中断，上传已暂停。点击“继续上传”从断点继续，或稍后重新选择同一文件。",
      resume: "继续上传",
      checking: "正在校验文件…",
      complete: "上传完成：{name}（{total}）。",
      cancelled: "已取消上传。",
      failed: "上传失败：{detail}",
      unknown: "服务器暂时无法处理，请稍后重试。",
      wait: "请等待视频上传完成后再提交。",
    },
    en: {
      empty: "The file is empty. Please choose the file again.",
      tooLarge: "The file is larger than the limit ({limit}). Please compress it first.",
      starting: "Preparing the upload…",
      resuming: "Resuming the upload ({percent}% already uploaded)…",
      uploading: "Uploading… {percent}% ({done} / {total})",
      retrying: "Connection lost; retrying in {seconds} s (attempt {attempt})…",
      paused: "Connection lost; the upload is paused. Click “Resume” to continue, or choose the same file again later.",
      resume: "Resume",
      checking: "Checking the file…",
      complete: "Upload complete: {name} ({total}).",
      cancelled: "Upload cancelled.",
      failed: "Upload failed: {detail}",
      unknown: "The server cannot handle this right now. Please try again later.",
      wait: "Please wait until the upload is complete before submitting.",
    },
  };
  const LANG = (document.documentElement.lang || "").toLowerCase().startsWith("en") ? "en" : "zh";
  const t = (key, params = {}) =>
    Object.entries(params).reduce(
      (text, [name, value]) => text.split(`{${name}}`).join(String(value)),
      TEXT[LANG][key] || TEXT.zh[key],
    );

  const MAX_RETRIES = 8; // consecutive failures before the upload pauses
  const BASE_DELAY_MS = 1000;
  const MAX_DELAY_MS = 30000;
  const STORE_PREFIX = "xinban.chunked-upload:";
  const STORE_TTL_MS = 7 * 24 * 3600 * 1000;

  function formatBytes(bytes) {
    const units = [["GB", 1024 ** 3], ["MB", 1024 ** 2], ["KB", 1024]];
    for (const [unit, size] of units) {
      if (bytes >= size) return `${(bytes / size).toFixed(bytes >= 10 * size ? 0 : 1)} ${unit}`;
    }
    return `${bytes} B`;
  }

  // --- localStorage: session id per file ------------------------------------------------
  function storageKey(root, file) {
    const { purpose, target } = root.dataset;
    return STORE_PREFIX + [purpose, target, file.name, file.size, file.lastModified].join("|");
  }
  function remember(key, id) {
    try { localStorage.setItem(key, JSON.stringify({ id, at: Date.now() })); } catch { /* private mode */ }
  }
  function recall(key) {
    try { return (JSON.parse(localStorage.getItem(key) || "null") || {}).id || null; } catch { return null; }
  }
  function forget(key) {
    try { localStorage.removeItem(key); } catch { /* private mode */ }
  }
  function pruneStore() {
    try {
      for (let i = localStorage.length - 1; i >= 0; i -= 1) {
        const key = localStorage.key(i);
        if (!key || !key.startsWith(STORE_PREFIX)) continue;
        let at = 0;
        try { at = (JSON.parse(localStorage.getItem(key)) || {}).at || 0; } catch { /* junk */ }
        if (Date.now() - at > STORE_TTL_MS) localStorage.removeItem(key);
      }
    } catch { /* private mode */ }
  }

  // --- one widget -----------------------------------------------------------------------
  function init(root) {
    if (root.dataset.chunkedUploadReady) return;
    root.dataset.chunkedUploadReady = "1";
    const part = (role) => root.querySelector(`[data-role="${role}"]`);
    const input = part("file");
    const progress = part("progress");
    const bar = part("bar");
    const statusLine = part("status");
    const resumeButton = part("resume");
    const cancelButton = part("cancel");
    const result = part("result");
    const endpoint = root.dataset.endpoint;
    const csrf = root.dataset.csrf;
    const maxBytes = Number(root.dataset.maxBytes) || Infinity;
    const form = root.closest("form");
    let run = null; // the upload in progress: {file, key, id, offset, chunkSize, stopped, controller}

    resumeButton.textContent = t("resume");

    const sessionUrl = (id) => `${endpoint}${encodeURIComponent(id)}/`;
    const setState = (state) => { root.dataset.state = state; };
    const say = (text) => { statusLine.textContent = text; };

    function showProgress(offset, size, { done = false } = {}) {
      const percent = done ? 100 : Math.min(99, Math.floor((offset * 100) / Math.max(size, 1)));
      progress.hidden = false;
      progress.setAttribute("aria-valuenow", String(percent));
      bar.style.width = `${percent}%`; // CSSOM: allowed under the CSP, unlike style=""
      bar.textContent = `${percent}%`;
      bar.classList.toggle("bg-success", done);
      bar.classList.remove("bg-danger");
      return percent;
    }

    function uploadingText(r) {
      const percent = Math.min(99, Math.floor((r.offset * 100) / r.file.size));
      return t("uploading", { percent, done: formatBytes(r.offset), total: formatBytes(r.file.size) });
    }

    function fire(name, detail) {
      root.dispatchEvent(new CustomEvent(name, { bubbles: true, detail }));
    }

    function settle(state) {
      setState(state);
      input.disabled = false;
      cancelButton.hidden = state !== "paused";
      resumeButton.hidden = state !== "paused";
    }

    async function readJson(response) {
      try { return await response.json(); } catch { return {}; }
    }

    function headers(extra = {}) {
      return { "X-CSRFToken": csrf, "X-Requested-With": "XMLHttpRequest", ...extra };
    }

    // Where the server stands: {offset, length, status} or {gone: true}; throws when the
    // network is still down.
    async function probe(id) {
      const response = await fetch(sessionUrl(id), {
        method: "HEAD", credentials: "same-origin", cache: "no-store", headers: headers(),
      });
      if (response.status === 200) {
        return {
          offset: Number(response.headers.get("Upload-Offset")),
          length: Number(response.headers.get("Upload-Length")),
          status: response.headers.get("Upload-Status"),
          chunkSize: Number(response.headers.get("Upload-Chunk-Size")) || 0,
        };
      }
      if (response.status === 404 || response.status === 410) return { gone: true };
      throw new Error(`HEAD ${response.status}`);
    }

    async function fetchState(id) {
      const response = await fetch(sessionUrl(id), {
        credentials: "same-origin", cache: "no-store", headers: headers(),
      });
      if (!response.ok) throw new Error(`GET ${response.status}`);
      return response.json();
    }

    function sleep(ms, r) {
      return new Promise((resolve) => {
        const done = () => { clearTimeout(timer); window.removeEventListener("online", done); resolve(); };
        const timer = setTimeout(done, ms);
        window.addEventListener("online", done); // back online: do not wait any longer
        r.wake = done; // cancel() wakes a sleeping loop so it can stop
      });
    }

    async function backoff(r, attempt) {
      const delay = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** (attempt - 1));
      const jittered = Math.round(delay * (0.75 + Math.random() * 0.5));
      setState("retrying");
      say(t("retrying", { seconds: Math.ceil(jittered / 1000), attempt }));
      await sleep(jittered, r);
    }

    function complete(r, info) {
      r.stopped = true;
      showProgress(r.file.size, r.file.size, { done: true });
      result.value = info.id;
      say(t("complete", { name: info.filename || r.file.name, total: formatBytes(r.file.size) }));
      settle("complete");
      run = null;
      fire("chunked-upload:complete", {
        id: info.id, sha256: info.sha256, size: info.size, filename: info.filename,
      });
    }

    function fail(r, detail, { forgetSession = true } = {}) {
      r.stopped = true;
      if (forgetSession) forget(r.key);
      result.value = "";
      bar.classList.add("bg-danger");
      say(t("failed", { detail: detail || t("unknown") }));
      settle("failed");
      run = null;
      fire("chunked-upload:error", { message: detail || t("unknown") });
    }

    function pause(r) {
      r.stopped = true;
      say(t("paused"));
      settle("paused");
    }

    // Send chunks until done; network trouble → backoff, HEAD, continue.
    async function pump(r) {
      let failures = 0;
      const retry = async () => {
        failures += 1;
        if (failures > MAX_RETRIES) { pause(r); return false; }
        await backoff(r, failures);
        if (r.stopped) return false;
        try {
          const state = await probe(r.id);
          if (state.gone) { fail(r, t("unknown")); return false; }
          r.offset = state.offset;
          if (state.status === "complete") { complete(r, await fetchState(r.id)); return false; }
        } catch { /* still offline: the next PATCH fails and we wait again */ }
        return true;
      };

      while (!r.stopped) {
        const end = Math.min(r.offset + r.chunkSize, r.file.size);
        setState("uploading");
        showProgress(r.offset, r.file.size);
        say(end >= r.file.size && r.offset > 0 ? t("checking") : uploadingText(r));
        let response;
        try {
          r.controller = new AbortController();
          response = await fetch(sessionUrl(r.id), {
            method: "PATCH",
            credentials: "same-origin",
            cache: "no-store",
            headers: headers({
              "Upload-Offset": String(r.offset),
              "Content-Type": "application/offset+octet-stream",
            }),
            body: r.file.slice(r.offset, end),
            signal: r.controller.signal,
          });
        } catch {
          if (r.stopped) return;
          if (!(await retry())) return;
          continue;
        }
        if (r.stopped) return;
        if (response.status === 204) {
          r.offset = Number(response.headers.get("Upload-Offset"));
          failures = 0;
          continue;
        }
        if (response.ok) { complete(r, await response.json()); return; }
        const body = await readJson(response);
        if (response.status === 409 && Number.isFinite(body.offset)) {
          r.offset = body.offset; // resume where the server is
          if (body.code === "complete") { complete(r, await fetchState(r.id)); return; }
          if (body.code === "busy" && !(await retry())) return;
          continue;
        }
        if (body.code === "interrupted" && Number.isFinite(body.offset)) {
          r.offset = body.offset;
          if (!(await retry())) return;
          continue;
        }
        if (response.status >= 500 || response.status === 429 || response.status === 408) {
          if (!(await retry())) return;
          continue;
        }
        // 4xx: refused type, too large, gone, not logged in (the session stays resumable).
        fail(r, body.detail, { forgetSession: response.status !== 401 });
        return;
      }
    }

    async function begin(file) {
      if (run) stop(run);
      result.value = "";
      bar.classList.remove("bg-danger", "bg-success");
      if (file.size === 0) { say(t("empty")); setState("failed"); return; }
      if (file.size > maxBytes) {
        say(t("tooLarge", { limit: root.dataset.maxLabel || formatBytes(maxBytes) }));
        setState("failed");
        return;
      }
      const r = {
        file, key: storageKey(root, file), id: null, offset: 0,
        chunkSize: Number(root.dataset.chunkBytes) || 8 * 1024 * 1024, stopped: false,
      };
      run = r;
      setState("starting");
      cancelButton.hidden = false;
      resumeButton.hidden = true;
      input.disabled = true;
      showProgress(0, file.size);
      say(t("starting"));
      try {
        const saved = recall(r.key);
        if (saved) {
          const state = await probe(saved); // offline: throws, and the id is kept
          if (!state.gone && state.length === file.size) {
            r.id = saved;
            r.offset = state.offset;
            if (state.chunkSize) r.chunkSize = state.chunkSize;
            if (state.status === "complete") { complete(r, await fetchState(saved)); return; }
            say(t("resuming", { percent: showProgress(r.offset, file.size) }));
          } else {
            forget(r.key);
          }
        }
        if (!r.id) {
          const response = await fetch(endpoint, {
            method: "POST",
            credentials: "same-origin",
            headers: headers({ "Content-Type": "application/json" }),
            body: JSON.stringify({
              purpose: root.dataset.purpose, target: root.dataset.target,
              filename: file.name, size: file.size,
            }),
          });
          const body = await readJson(response);
          if (response.status !== 201) { fail(r, body.detail); return; }
          r.id = body.id;
          r.offset = body.offset;
          r.chunkSize = body.chunk_size || r.chunkSize;
          remember(r.key, r.id);
        }
        if (r.stopped) return;
        await pump(r);
      } catch (error) {
        if (!r.stopped) fail(r, t("unknown"), { forgetSession: false });
      }
    }

    function stop(r) {
      r.stopped = true;
      if (r.controller) r.controller.abort();
      if (r.wake) r.wake();
    }

    input.addEventListener("change", () => {
      const file = input.files && input.files[0];
      if (file) begin(file);
    });

    resumeButton.addEventListener("click", () => {
      const r = run;
      if (!r || !r.id) return;
      r.stopped = false;
      resumeButton.hidden = true;
      input.disabled = true;
      probe(r.id)
        .then((state) => {
          if (state.gone) { fail(r, t("unknown")); return undefined; }
          r.offset = state.offset;
          return pump(r);
        })
        .catch(() => pump(r)); // still offline: pump retries with backoff
    });

    cancelButton.addEventListener("click", () => {
      const r = run;
      if (!r) return;
      stop(r);
      run = null;
      forget(r.key);
      if (r.id) {
        fetch(sessionUrl(r.id), {
          method: "DELETE", credentials: "same-origin", headers: headers(),
        }).catch(() => { /* expires on the server anyway */ });
      }
      input.value = "";
      result.value = "";
      progress.hidden = true;
      say(t("cancelled"));
      settle("cancelled");
      cancelButton.hidden = true;
    });

    if (form) {
      form.addEventListener("submit", (event) => {
        if (run) { event.preventDefault(); say(t("wait")); }
      });
    }
  }

  function scan(scope) {
    if (scope.matches && scope.matches("[data-chunked-upload]")) init(scope);
    scope.querySelectorAll("[data-chunked-upload]").forEach(init);
  }

  window.xinbanChunkedUpload = { init, scan, storageKey };
  pruneStore();
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", () => scan(document));
  } else {
    scan(document);
  }
  document.addEventListener("htmx:load", (event) => scan(event.detail.elt)); // swapped-in widgets
})();
