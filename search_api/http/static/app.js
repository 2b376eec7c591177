// ga-search page: plain JavaScript, no build step. Talks to the JSON API of the same origin.
"use strict";

const TEXT = {
  zh: {
    brand: "联合国大会决议检索", placeholder: "输入词语、\"精确短语\"、决议编号 A/RES/59/50 …",
    byClause: "按段落", byDocument: "按决议", relevance: "相关度", newest: "最新", session: "届会",
    hits: (n, ms) => `共 ${n} 条结果（${ms} 毫秒）`, none: "没有结果。", didYouMean: "您是不是要找：",
    partial: "没有同时含有所有词语的条目；以下结果缺少其中一个词：", lacks: "缺少",
    prev: "上一页", next: "下一页", back: "← 返回结果", clauses: "段落", cites: "引用", citedBy: "被引用",
    sponsors: "提案国", agenda: "议程项目", date: "日期", open: "查看全文", error: "出错了：",
    precedents: "先例", lineage: "沿革", noPrecedents: "没有相似度不低于 0.5 的其他段落。",
    precedentsOf: (n) => `${n} 个措辞相同或相近的段落（红色删除线：仅见于先例；绿色：仅见于本段）`,
    lineageOf: (n) => `${n} 个步骤，从最早到最新`, notIndexed: "未收入索引",
    unchanged: "未改", edited: "修改", added: "新增", removed: "删除",
    sideBySide: "对照：", listSeparator: "、", single: "仅本文", translation: "对照译文", noVersion: "索引中没有该语文本",
    byOrder: "（段落数不同，按顺序对照）",
    languages: { ar: "阿拉伯文", en: "英文", es: "西班牙文", fr: "法文", ru: "俄文", zh: "中文", "zh-Hant": "繁体中文" },
    exportAll: "导出全部结果：", official: "正式文本（ODS）：", library: "联合国数字图书馆", sourceFile: "索引所用文件",
    more: (n) => `更多（共 ${n} 项）`, filterValues: "筛选…", trendTitle: "各届会的匹配段落数", browse: "浏览",
    browseTitle: "按届会浏览已收入的文件", noSession: "无届会", loadMore: "加载更多", inIndex: "已收入索引", cite: "引用格式：",
  },
  en: {
    brand: "UN General Assembly resolutions", placeholder: "Words, \"exact phrases\", symbols like A/RES/59/50 …",
    byClause: "By clause", byDocument: "By resolution", relevance: "Relevance", newest: "Newest", session: "Session",
    hits: (n, ms) => `${n} results (${ms} ms)`, none: "No results.", didYouMean: "Did you mean: ",
    partial: "Nothing has every word; these lack one of them: ", lacks: "lacks",
    prev: "Previous", next: "Next", back: "← Back to results", clauses: "Clauses", cites: "Cites",
    citedBy: "Cited by", sponsors: "Sponsors", agenda: "Agenda items", date: "Date", open: "Full text",
    error: "Error: ", precedents: "precedents", lineage: "lineage",
    noPrecedents: "No clause of another resolution at similarity 0.5 or more.",
    precedentsOf: (n) => `${n} clauses worded the same or nearly the same (struck red: only in the precedent; green: only here)`,
    lineageOf: (n) => `${n} steps, oldest first`, notIndexed: "not in the index",
    unchanged: "unchanged", edited: "edited", added: "added", removed: "removed",
    sideBySide: "Side by side: ", listSeparator: ", ", single: "this text only", translation: "other language", noVersion: "no version in that language in the index",
    byOrder: " (the versions' paragraphs differ: aligned by order)",
    languages: { ar: "Arabic", en: "English", es: "Spanish", fr: "French", ru: "Russian", zh: "Chinese", "zh-Hant": "Chinese (traditional)" },
    exportAll: "Export every hit: ", official: "Official text (ODS): ", library: "UN Digital Library", sourceFile: "indexed file",
    more: (n) => `More (${n} in all)`, filterValues: "Filter…", trendTitle: "Matching clauses by session", browse: "Browse",
    browseTitle: "What is indexed, by session", noSession: "no session", loadMore: "Load more", inIndex: "in the index", cite: "Cite: ",
  },
};
// The facet menus come from the service's facet table (GET schema), asked for at once; a search
// waits for it, the page itself does not (what the visitor types is never reset by it).
let FACETS = [];
const schemaLoaded = getJSON("schema").then((schema) => { FACETS = schema.facets; });
let urlFilters = null;
const state = { q: "", level: "clause", sort: "relevance", page: 1, filters: {}, lang: "zh" };
const $ = (id) => document.getElementById(id);
const t = (key) => TEXT[state.lang][key];
let pending = null;

// A document without a symbol is known by its file name (its id is `zh:` and the name).
const fileName = (docId) => String(docId).replace(/^[a-zA-Z-]+:/, "");

function escapeHtml(s) {
  return String(s ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
}

function params(extra) {
  const p = new URLSearchParams();
  if (state.q) p.set("q", state.q);
  p.set("level", state.level);
  p.set("sort", state.sort);
  p.set("page", String(state.page));
  p.set("per_page", "20");
  p.set("lang", state.lang);
  for (const [name, values] of Object.entries(state.filters)) {
    for (const v of values) {
      if (name === "year") { p.set("year_from", v); p.set("year_to", v); } else p.append(name, v);
    }
  }
  for (const facet of FACETS) {
    if (state.level === "document" && facet.clause_only) p.delete(facet.name);
    else p.append("facets", facet.name);
  }
  for (const [k, v] of Object.entries(extra || {})) p.set(k, v);
  return p;
}

async function getJSON(url) {
  const response = await fetch(url, { headers: { accept: "application/json" } });
  const body = await response.json();
  if (!response.ok) throw new Error(body.error ? body.error.message : response.statusText);
  return body;
}

async function search() {
  if (pending) pending.abort();
  const controller = new AbortController();
  pending = controller;
  try {
    await schemaLoaded;
    if (controller.signal.aborted) return;
    if (urlFilters) {
      for (const { name } of FACETS) { const values = urlFilters.getAll(name); if (values.length) state.filters[name] = values; }
      urlFilters = null;
    }
    writeHash();
    const response = await fetch("search?" + params(), { signal: controller.signal });
    const body = await response.json();
    if (!response.ok) throw new Error(body.error.message);
    render(body);
  } catch (error) {
    if (error.name !== "AbortError") $("status").textContent = t("error") + error.message;
  }
}

function render(result) {
  $("document").hidden = true;
  $("browse").hidden = true;
  $("hits").hidden = false;
  $("layout").classList.remove("reading");
  $("status").innerHTML = result.total
    ? (result.match === "partial" ? `<span class="partial">${escapeHtml(t("partial"))}</span> ` : "")
      + escapeHtml(t("hits")(result.total, Math.round(result.took_ms)))
    : escapeHtml(t("none")) + (result.did_you_mean.length
      ? " " + escapeHtml(t("didYouMean")) + result.did_you_mean.map((w) => `<a href="#" data-suggest="${escapeHtml(w)}">${escapeHtml(w)}</a>`).join("，")
      : "");
  $("hits").innerHTML = result.hits.map(renderHit).join("");
  renderFacets(result.facets, result.facet_totals);
  renderPager(result);
  renderTools(result);  // static/workbench.js: export links and the chart by session
}

function renderHit(hit) {
  const clause = hit.clause;
  const meta = [hit.symbol || fileName(hit.doc_id), hit.session ? `${t("session")} ${hit.session}` : "", hit.date || "",
    clause ? `${clause.number} · ${clause.labels.verb || ""}` : hit.labels.kind, hit.labels.sponsors.slice(0, 4).join(t("listSeparator")),
    (hit.missing || []).length ? `${t("lacks")} ${hit.missing.join(t("listSeparator"))}` : ""]
    .filter(Boolean).map(escapeHtml).join(" · ");
  const snippets = (hit.snippets || []).map((s) => `<p class="text"><b>${escapeHtml(s.number)}</b> ${s.highlight}</p>`).join("");
  const more = clause ? precedentsLink(hit.doc_id, clause.number) + parallelLink(hit) : "";
  return `<li class="hit"><h3><a href="#doc=${encodeURIComponent(hit.doc_id)}" data-doc="${escapeHtml(hit.doc_id)}">${escapeHtml(hit.title || hit.doc_id)}</a></h3>
    <div class="meta">${meta}</div>${snippets || `<p class="text">${hit.highlight}</p>`}${more}</li>`;
}

// Under a clause hit: the same clause in the resolution's other-language version (Chinese for a
// hit in another language, English for a Chinese one), fetched when asked for.
function parallelLink(hit) {
  const target = hit.language === "zh" ? "en" : "zh";
  return ` <a href="#" class="more" data-parallel-doc="${escapeHtml(hit.doc_id)}" data-number="${escapeHtml(hit.clause.number)}" data-target="${target}">${escapeHtml(t("translation"))}</a><div class="parallel" hidden></div>`;
}

async function toggleParallel(link) {
  const box = link.nextElementSibling;
  if (!box.hidden) { box.hidden = true; return; }
  try {
    const doc = await getJSON(`documents/${docPath(link.dataset.parallelDoc)}?parallel=${encodeURIComponent(link.dataset.target)}`);
    const clause = doc.clauses.find((c) => c.number === link.dataset.number);
    const other = clause && clause.parallel[link.dataset.target];
    box.innerHTML = other
      ? `<p class="text" lang="${escapeHtml(link.dataset.target)}"><b>${escapeHtml(other.number)}</b> ${escapeHtml(other.text)}</p>`
      : `<p class="meta">${escapeHtml(t("noVersion"))}</p>`;
  } catch (error) {
    box.textContent = t("error") + error.message;
  }
  box.hidden = false;
}

function precedentsLink(docId, number) {
  return `<a href="#" class="more" data-precedents="${escapeHtml(docId)}" data-number="${escapeHtml(number)}">${escapeHtml(t("precedents"))}</a><div class="precedents" hidden></div>`;
}

function renderDiff(parts) {
  return parts.map((p) => p.op === "delete" ? `<del>${escapeHtml(p.text)}</del>`
    : p.op === "insert" ? `<ins>${escapeHtml(p.text)}</ins>` : escapeHtml(p.text)).join("");
}

function docPath(key) {
  return key.split("/").map(encodeURIComponent).join("/");
}

async function togglePrecedents(link) {
  const box = link.nextElementSibling;
  if (!box.hidden) { box.hidden = true; return; }
  try {
    const body = await getJSON(`clauses/${docPath(link.dataset.precedents)}/${encodeURIComponent(link.dataset.number)}/precedents`);
    box.innerHTML = body.precedents.length
      ? `<p class="meta">${escapeHtml(t("precedentsOf")(body.precedents.length))}</p><ol>` + body.precedents.map((p) =>
        `<li><span class="similarity">${p.similarity.toFixed(2)}</span> <a href="#doc=${encodeURIComponent(p.doc_id)}" data-doc="${escapeHtml(p.doc_id)}">${escapeHtml((p.symbol || p.doc_id) + " ¶" + p.clause.number)}</a>
         <span class="meta">${escapeHtml([p.session, p.date, p.relation].filter(Boolean).join(" · "))}</span><p class="text diff">${renderDiff(p.diff)}</p></li>`).join("") + "</ol>"
      : `<p class="meta">${escapeHtml(t("noPrecedents"))}</p>`;
    box.hidden = false;
  } catch (error) {
    box.innerHTML = `<p class="meta">${escapeHtml(t("error") + error.message)}</p>`;
    box.hidden = false;
  }
}

async function openLineage(docId) {
  try {
    const body = await getJSON(`documents/${docPath(docId)}/lineage`);
    const steps = body.steps.map((s) => {
      const name = s.doc_id
        ? `<a href="#doc=${encodeURIComponent(s.doc_id)}" data-doc="${escapeHtml(s.doc_id)}">${escapeHtml(s.symbol)}</a>`
        : `<a class="external" href="${escapeHtml(s.url || "")}" target="_blank" rel="noopener">${escapeHtml(s.symbol)}</a> <small>(${escapeHtml(t("notIndexed"))})</small>`;
      const counts = Object.entries(s.summary || {}).filter(([, n]) => n).map(([k, n]) => `${n} ${t(k)}`).join(", ");
      const changes = (s.changes || []).map((c) => `<p class="text diff"><b>¶${escapeHtml(c.number || c.previous_number)} ${escapeHtml(t(c.change))}</b> ${renderDiff(c.diff)}</p>`).join("");
      return `<li><b>${escapeHtml(String(s.session ?? ""))}</b> ${name} <span class="meta">${escapeHtml([s.date, s.link].filter(Boolean).join(" · "))}</span>
        ${counts ? `<p class="meta">${escapeHtml(counts)}</p>` : ""}${changes}</li>`;
    }).join("");
    $("document").innerHTML = `<p><a href="#" id="back">${escapeHtml(t("back"))}</a></p>
      <h2>${escapeHtml(t("lineage"))}: ${escapeHtml(body.title)}</h2><p class="meta">${escapeHtml(t("lineageOf")(body.steps.length))}</p>${lineageTimeline(body.steps)}<ol class="lineage">${steps}</ol>`;
    showDocumentPanel();
  } catch (error) {
    $("status").textContent = t("error") + error.message;
  }
}

function showDocumentPanel() {
  $("document").hidden = false;
  $("hits").hidden = true;
  $("pager").innerHTML = "";
  $("status").textContent = "";
  $("tools").hidden = true;
  $("browse").hidden = true;
  $("layout").classList.add("reading");  // the document takes the facets' column too
}

// On a phone the menus come first, folded; sessions and years read in order, with a bar each.
function renderFacets(facets, totals) {
  const html = [];
  const open = window.matchMedia("(min-width: 761px)").matches ? "open" : "";
  for (const [name, values] of Object.entries(facets)) {
    if (!values.length) continue;
    const more = totals && totals[name] > values.length
      ? `<button type="button" class="more-values" data-more="${escapeHtml(name)}">${escapeHtml(t("more")(totals[name]))}</button>` : "";
    html.push(`<details ${open} data-facet-name="${escapeHtml(name)}"><summary>${escapeHtml(facetLabel(name))}</summary><div class="values">${facetItems(name, values)}</div>${more}</details>`);
  }
  $("facets").innerHTML = html.join("");
}

function facetItems(name, values) {
  const chosen = state.filters[name] || [];
  const numeric = name === "session" || name === "year";
  const ordered = numeric ? [...values].sort((a, b) => Number(b.value) - Number(a.value)) : values;
  const most = Math.max(...values.map((v) => v.count), 1);
  return ordered.map((v) => {
    const value = String(v.value);
    const checked = chosen.includes(value) ? "checked" : "";
    const bar = numeric ? `<span class="histogram" style="width:${Math.max(4, Math.round(60 * v.count / most))}px"></span>` : "";
    return `<label><span><input type="checkbox" data-facet="${escapeHtml(name)}" value="${escapeHtml(value)}" ${checked}> ${escapeHtml(v.label || value)}</span><span class="count">${bar}${v.count}</span></label>`;
  }).join("");
}

function facetLabel(name) {
  const facet = FACETS.find((f) => f.name === name);
  return facet ? facet.label[state.lang] || facet.label.en : name;
}

function renderPager(result) {
  const pages = Math.ceil(result.total / result.per_page);
  if (pages <= 1) { $("pager").innerHTML = ""; return; }
  const buttons = [];
  if (state.page > 1) buttons.push(`<button data-page="${state.page - 1}">${escapeHtml(t("prev"))}</button>`);
  const first = Math.max(1, state.page - 3), last = Math.min(pages, state.page + 3);
  for (let p = first; p <= last; p++) buttons.push(`<button data-page="${p}" ${p === state.page ? 'aria-current="page"' : ""}>${p}</button>`);
  if (state.page < pages) buttons.push(`<button data-page="${state.page + 1}">${escapeHtml(t("next"))}</button>`);
  $("pager").innerHTML = buttons.join("");
}

// A resolution's page; with `parallel`, its clauses beside their version in that language.
async function openDocument(docId, parallel) {
  try {
    const query = new URLSearchParams({ lang: state.lang });
    if (parallel) query.set("parallel", parallel);
    const doc = await getJSON("documents/" + docPath(docId) + "?" + query);
    const version = parallel && doc.parallel[parallel];
    const clauses = version
      ? `<table class="parallel"><tbody>${doc.clauses.map((c) => {
        const other = c.parallel[parallel];
        return `<tr id="clause-${escapeHtml(c.number)}"><td class="num">${escapeHtml(c.number)}</td><td lang="${escapeHtml(doc.language)}">${escapeHtml(c.text)}</td><td lang="${escapeHtml(parallel)}">${other ? escapeHtml(other.text) : ""}</td></tr>`;
      }).join("")}</tbody></table>`
      : `<ol>${doc.clauses.map((c) => `<li id="clause-${escapeHtml(c.number)}"><span class="num">${escapeHtml(c.number)}</span>${escapeHtml(c.text)} ${precedentsLink(doc.doc_id, c.number)}</li>`).join("")}</ol>`;
    // A citation the index holds opens here (marked); one it lacks goes to ODS, said before the click.
    const cites = doc.citation_links.map((c) => c.indexed
      ? `<a class="indexed" title="${escapeHtml(t("inIndex"))}" href="#doc=${encodeURIComponent(c.doc_id)}" data-doc="${escapeHtml(c.doc_id)}">${escapeHtml(c.symbol)} ✓</a>`
      : `<a class="external" href="${escapeHtml(c.url)}" target="_blank" rel="noopener">${escapeHtml(c.symbol)}</a> <small>(${escapeHtml(t("notIndexed"))})</small>`).join(", ");
    const citedBy = doc.cited_by.map((d) => `<a href="#doc=${encodeURIComponent(d.doc_id)}" data-doc="${escapeHtml(d.doc_id)}">${escapeHtml(d.symbol || d.doc_id)}</a>`).join(", ");
    // Only the facts the resolution has: no empty label.
    const factsList = [
      [t("agenda"), escapeHtml(doc.agenda_items.join(t("listSeparator")))],
      [t("sponsors"), escapeHtml(doc.labels.sponsors.join(t("listSeparator")))],
      [t("cites"), cites], [t("citedBy"), citedBy],
    ].filter(([, value]) => value).map(([label, value]) => `${escapeHtml(label)}: ${value}`);
    const facts = factsList.length ? `<p>${factsList.join("<br>")}</p>` : "";
    const languages = doc.other_languages.map((id) => id.split(":")[0]);
    const switcher = languages.length
      ? `<p class="languages">${escapeHtml(t("sideBySide"))}${languages.map((lang) => lang === parallel
        ? `<b>${escapeHtml(t("languages")[lang] || lang)}</b>`
        : `<a href="#" data-side="${escapeHtml(lang)}" data-side-doc="${escapeHtml(doc.doc_id)}">${escapeHtml(t("languages")[lang] || lang)}</a>`).join(" · ")}${parallel
        ? ` · <a href="#" data-side="" data-side-doc="${escapeHtml(doc.doc_id)}">${escapeHtml(t("single"))}</a>` : ""}${version && version.aligned === "order"
        ? escapeHtml(t("byOrder")) : ""}</p>`
      : "";
    $("document").innerHTML = `<p><a href="#" id="back">${escapeHtml(t("back"))}</a></p>
      <h2>${escapeHtml(doc.title)}</h2>
      <p class="meta">${escapeHtml([doc.symbol || doc.source || fileName(doc.doc_id), doc.labels.kind, doc.labels.language, doc.session ? t("session") + " " + doc.session : "", doc.date].filter(Boolean).join(" · "))}
      · <a href="#lineage=${encodeURIComponent(doc.doc_id)}" data-lineage="${escapeHtml(doc.doc_id)}">${escapeHtml(t("lineage"))}</a></p>
      ${officialLinks(doc)}${facts}
      <h3>${escapeHtml(t("clauses"))}</h3>${switcher}${clauses}`;
    showDocumentPanel();
  } catch (error) {
    $("status").textContent = t("error") + error.message;
  }
}

async function suggest() {
  const q = $("q").value.trim();
  if (q.length < 1 || /["\s:]/.test(q)) { $("suggestions").hidden = true; return; }
  try {
    const body = await getJSON("suggest?" + new URLSearchParams({ q, limit: "6" }));
    const items = body.completions.slice(0, 8);
    $("suggestions").innerHTML = items.map((c) => `<li data-suggest="${escapeHtml(c.kind === "title" ? '"' + c.text + '"' : c.text)}">${escapeHtml(c.text)}</li>`).join("");
    $("suggestions").hidden = !items.length;
  } catch (error) { $("suggestions").hidden = true; }
}

// The search's state lives in the query string (`/?q=维持和平&session=73`), which portals link
// to and people share; `#q=` links of earlier versions still work. A resolution or a lineage
// opened from the results is `#doc=` / `#lineage=` on top of it, so Back returns to the hits.
// Paging adds a history entry (Back returns to the previous page of hits); other changes replace it.
let newEntry = false;
function writeHash() {
  const p = params();
  p.delete("per_page");
  p.delete("facets");
  // The check view (#check, static/check.js) keeps its place in the address.
  const address = location.pathname + "?" + p.toString() + (location.hash === "#check" ? "#check" : "");
  if (newEntry && address !== location.pathname + location.search + location.hash) history.pushState(null, "", address);
  else history.replaceState(null, "", address);
  newEntry = false;
}

function readHash() {
  const hash = location.hash.slice(1);
  if (hash.startsWith("doc=")) return { doc: decodeURIComponent(hash.slice(4)) };
  if (hash.startsWith("lineage=")) return { lineage: decodeURIComponent(hash.slice(8)) };
  if (hash === "browse") return { browse: true };
  const p = new URLSearchParams(hash.includes("=") ? hash : location.search.slice(1));
  state.q = p.get("q") || "";
  state.level = p.get("level") || "clause";
  state.sort = p.get("sort") || "relevance";
  state.page = parseInt(p.get("page") || "1", 10) || 1;
  state.lang = p.get("lang") || state.lang;
  state.filters = {};
  urlFilters = p;  // read by the next search, once the facet names are known
  return null;
}

function applyLanguage() {
  document.documentElement.lang = state.lang === "zh" ? "zh" : "en";
  for (const el of document.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
  $("q").placeholder = t("placeholder");
  $("lang").textContent = state.lang === "zh" ? "EN" : "中文";
  document.title = t("brand") + " · ga-search";
}

let typingTimer = null;
$("q").addEventListener("input", () => {
  clearTimeout(typingTimer);
  typingTimer = setTimeout(() => { state.q = $("q").value; state.page = 1; search(); suggest(); }, 250);
});
$("search-form").addEventListener("submit", (e) => { e.preventDefault(); clearTimeout(typingTimer); $("suggestions").hidden = true; state.q = $("q").value; state.page = 1; search(); });
$("level").addEventListener("change", () => { state.level = $("level").value; state.page = 1; search(); });
$("sort").addEventListener("change", () => { state.sort = $("sort").value; state.page = 1; search(); });
$("lang").addEventListener("click", () => { state.lang = state.lang === "zh" ? "en" : "zh"; applyLanguage(); search(); });
document.addEventListener("keydown", (e) => { if (e.key === "Escape") $("suggestions").hidden = true; });
document.addEventListener("change", (e) => {
  const box = e.target.closest("input[data-facet]");
  if (!box) return;
  $("suggestions").hidden = true;
  const name = box.dataset.facet;
  const values = new Set(state.filters[name] || []);
  if (box.checked) values.add(box.value); else values.delete(box.value);
  if (values.size) state.filters[name] = [...values]; else delete state.filters[name];
  state.page = 1;
  search();
});
document.addEventListener("click", (e) => {
  if (!e.target.closest("#suggestions") && e.target.id !== "q") $("suggestions").hidden = true;
  const page = e.target.closest("button[data-page]");
  if (page) { state.page = parseInt(page.dataset.page, 10); newEntry = true; search(); window.scrollTo(0, 0); return; }
  const doc = e.target.closest("[data-doc]");
  if (doc) { e.preventDefault(); history.pushState(null, "", "#doc=" + encodeURIComponent(doc.dataset.doc)); openDocument(doc.dataset.doc); return; }
  const side = e.target.closest("[data-side-doc]");
  if (side) { e.preventDefault(); openDocument(side.dataset.sideDoc, side.dataset.side); return; }
  const parallel = e.target.closest("[data-parallel-doc]");
  if (parallel) { e.preventDefault(); toggleParallel(parallel); return; }
  const precedents = e.target.closest("[data-precedents]");
  if (precedents) { e.preventDefault(); togglePrecedents(precedents); return; }
  const lineage = e.target.closest("[data-lineage]");
  if (lineage) { e.preventDefault(); history.pushState(null, "", "#lineage=" + encodeURIComponent(lineage.dataset.lineage)); openLineage(lineage.dataset.lineage); return; }
  const s = e.target.closest("[data-suggest]");
  if (s) { e.preventDefault(); $("q").value = s.dataset.suggest; $("suggestions").hidden = true; state.q = s.dataset.suggest; state.page = 1; search(); return; }
  if (e.target.id === "back") { e.preventDefault(); history.back(); }
});
window.addEventListener("popstate", start);

function start() {
  const target = readHash();
  $("q").value = state.q;
  $("level").value = state.level;
  $("sort").value = state.sort;
  applyLanguage();
  if (target && target.doc) openDocument(target.doc);
  else if (target && target.lineage) openLineage(target.lineage);
  else if (target && target.browse) openBrowse();
  else search();
}
if ([location.hash.slice(1), location.search.slice(1)].some((s) => new URLSearchParams(s).get("lang") === "en")) state.lang = "en";
// After every script of the page (static/workbench.js draws the Browse view) has run.
document.addEventListener("DOMContentLoaded", start);
