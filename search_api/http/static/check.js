// "Check a draft": paste a draft or drop its file (DOCX, PDF, text); POST /check marks each
// paragraph agreed, edited or new with its sources; the DOCX report downloads the same check.
"use strict";
(() => {
  const el = (id) => document.getElementById(id);
  const LABELS = {
    zh: { title: "核对草案", help: "粘贴草案文本，或把 DOCX、PDF、文本文件拖到这里：每一段标为已商定、已修改或新措辞。",
      file: "选择文件", run: "核对", working: "正在核对…", agreed: "已商定", edited: "已修改", new: "新",
      shares: (s) => `已商定 ${pc(s.agreed)}，已修改 ${pc(s.edited)}，新 ${pc(s.new)}（按段落）`, uses: "次使用", empty: "请先粘贴草案或选择文件。" },
    en: { title: "Check a draft", help: "Paste a draft, or drop its DOCX, PDF or text file here: each paragraph is marked agreed, edited or new.",
      file: "Choose a file", run: "Check", working: "Checking…", agreed: "agreed", edited: "edited", new: "new",
      shares: (s) => `agreed ${pc(s.agreed)}, edited ${pc(s.edited)}, new ${pc(s.new)} (of paragraphs)`, uses: "uses", empty: "Paste a draft or choose a file first." },
  };
  const pc = (share) => `${Math.round(share.paragraphs * 100)}%`;
  const lang = () => (document.documentElement.lang === "en" ? "en" : "zh");
  const L = () => LABELS[lang()];
  const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
  let file = null;

  function show() {
    const on = location.hash === "#check";
    el("check").hidden = !on;
    el("search-form").hidden = on;
    document.querySelector(".layout").hidden = on;
    const l = L();
    el("check-title").textContent = el("check-link").textContent = l.title;
    el("check-help").textContent = l.help;
    el("check-file-label").textContent = file ? file.name : l.file;
    el("check-run").textContent = l.run;
  }

  function body(format) {
    const params = new URLSearchParams({ lang: lang(), format });
    if (file) return { url: `check?${params}`, init: { method: "POST", body: file, headers: { "content-type": file.type || "text/plain" } } };
    return { url: `check?${params}`, init: { method: "POST", body: JSON.stringify({ text: el("check-text").value }), headers: { "content-type": "application/json" } } };
  }

  function sources(p) {
    const items = (p.sources || []).map((s) => `<li>${esc(s.symbol || s.doc_id)} ¶${esc(s.clause.number)} · ${esc(s.date || s.session || "")} · ${s.similarity.toFixed(2)}</li>`);
    const changes = p.changes || {};
    for (const [a, b] of changes.replaced || []) items.push(`<li><del>${esc(a)}</del> → <ins>${esc(b)}</ins></li>`);
    for (const a of changes.added || []) items.push(`<li><ins>+ ${esc(a)}</ins></li>`);
    for (const r of changes.removed || []) items.push(`<li><del>− ${esc(r)}</del></li>`);
    for (const ph of p.phrases || []) items.push(`<li>“${esc(ph.text)}” — ${esc(ph.symbol || ph.doc_id)} ¶${esc(ph.number)}</li>`);
    return items.join("");
  }

  async function run() {
    const l = L();
    if (!file && !el("check-text").value.trim()) { el("check-status").textContent = l.empty; return; }
    el("check-status").textContent = l.working;
    const { url, init } = body("json");
    const response = await fetch(url, init);
    const result = await response.json();
    if (!response.ok) { el("check-status").textContent = result.error ? result.error.message : response.statusText; return; }
    el("check-status").textContent = l.shares(result.shares) + (result.predecessor ? ` · ${result.predecessor.symbol}` : "");
    el("check-result").innerHTML = result.paragraphs.map((p) => `<tr data-verdict="${p.verdict}"><td>${esc(p.number)}</td>` +
      `<td class="${p.verdict}">${esc(l[p.verdict])}${p.verdict === "agreed" ? `<br><small>${p.uses} ${esc(l.uses)}</small>` : ""}</td>` +
      `<td>${esc(p.text)}<ul>${sources(p)}</ul></td></tr>`).join("");
    el("check-docx").hidden = false;
  }

  async function docx() {
    const { url, init } = body("docx");
    const response = await fetch(url, init);
    if (!response.ok) return;
    const link = document.createElement("a");
    link.href = URL.createObjectURL(await response.blob());
    link.download = "check.docx";
    link.click();
  }

  function take(chosen) { file = chosen || null; show(); if (file) run(); }
  el("check-file").addEventListener("change", (e) => take(e.target.files[0]));
  const drop = el("check-drop");
  for (const name of ["dragenter", "dragover"]) drop.addEventListener(name, (e) => { e.preventDefault(); drop.classList.add("over"); });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (e) => { e.preventDefault(); drop.classList.remove("over"); take(e.dataTransfer.files[0]); });
  el("check-text").addEventListener("input", () => { file = null; show(); });
  el("check-run").addEventListener("click", run);
  el("check-docx").addEventListener("click", docx);
  el("lang").addEventListener("click", () => setTimeout(show));
  window.addEventListener("hashchange", show);
  document.addEventListener("DOMContentLoaded", show);  // after app.js has set the interface language
})();
