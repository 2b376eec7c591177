// The researcher's tools on the page (after app.js, whose state and helpers it uses): export links,
// the chart of matching clauses by session (each bar a link to that session's hits), every value of
// a facet with a filter box, the official versions of a document, and the Browse view by session.
"use strict";

const TREND_HEIGHT = 120;

// The search as it stands, without what only a page of hits needs.
function exportParams() {
  const p = params();
  for (const name of ["page", "per_page", "facets", "lang"]) p.delete(name);
  return p;
}

function renderTools(result) {
  $("tools").hidden = !result.total;
  const query = exportParams().toString();
  $("exports").innerHTML = result.total
    ? `${escapeHtml(t("exportAll"))}<a id="export-csv" href="search.csv?${query}" download>CSV</a><a id="export-jsonl" href="search.jsonl?${query}" download>JSON Lines</a><a href="search.atom?${query}">Atom</a>`
    : "";
  drawTrend(result.total);
}

async function drawTrend(total) {
  const figure = $("trend");
  if (!total || state.filters.session) { figure.hidden = true; return; }
  const query = exportParams();
  for (const name of ["level", "sort"]) query.delete(name);
  try {
    const body = await getJSON("trend?" + query);
    const points = body.series[0].points;
    if (points.length < 2) { figure.hidden = true; return; }
    const most = Math.max(...points.map((p) => p.clauses));
    const width = 100 / points.length;
    const bars = points.map((p, i) => {
      const height = Math.max(2, Math.round((TREND_HEIGHT - 22) * p.clauses / most));
      const x = (i * width).toFixed(3);
      return `<a href="#" data-trend-session="${p.value}"><title>${escapeHtml(`${t("session")} ${p.value}: ${p.clauses}`)}</title>`
        + `<rect x="${x}%" y="${TREND_HEIGHT - 16 - height}" width="${(width * 0.8).toFixed(3)}%" height="${height}"></rect>`
        + `<text x="${(i * width + width * 0.4).toFixed(3)}%" y="${TREND_HEIGHT - 4}" text-anchor="middle">${p.value}</text></a>`;
    }).join("");
    figure.innerHTML = `<svg role="img" aria-label="${escapeHtml(t("trendTitle"))}">${bars}</svg><figcaption>${escapeHtml(t("trendTitle"))}</figcaption>`;
    figure.hidden = false;
  } catch (error) { figure.hidden = true; }
}

// Every value of one facet, from GET /facets with the highest limit, and a box to filter them.
async function showAllValues(name) {
  const query = params({ facet_limit: "200" });
  query.delete("facets");
  query.append("facets", name);
  for (const drop of ["page", "per_page", "sort", "level"]) query.delete(drop);
  const body = await getJSON("facets?" + query);
  const menu = document.querySelector(`details[data-facet-name="${CSS.escape(name)}"]`);
  if (!menu) return;
  menu.querySelector(".values").innerHTML = facetItems(name, body.facets[name]);
  const button = menu.querySelector(".more-values");
  if (button) button.outerHTML = `<input class="facet-filter" type="search" data-filter-facet="${escapeHtml(name)}" placeholder="${escapeHtml(t("filterValues"))}">`;
}

function officialLinks(doc) {
  const links = doc.links || {};
  const parts = [];
  if (links.ods) {
    parts.push(escapeHtml(t("official")) + Object.entries(links.ods).map(([lang, formats]) =>
      `${escapeHtml(t("languages")[lang] || lang)} <a class="ods" href="${escapeHtml(formats.pdf)}" target="_blank" rel="noopener">PDF</a>/<a class="ods" href="${escapeHtml(formats.docx)}" target="_blank" rel="noopener">DOCX</a>`).join(" · "));
  }
  if (links.digital_library) parts.push(`<a href="${escapeHtml(links.digital_library)}" target="_blank" rel="noopener">${escapeHtml(t("library"))}</a>`);
  if (links.source) parts.push(`<a href="${escapeHtml(links.source)}" target="_blank">${escapeHtml(t("sourceFile"))}</a>`);
  const cite = `documents/${docPath(doc.doc_id)}/cite?format=`;
  parts.push(escapeHtml(t("cite")) + [["ris", "RIS"], ["bibtex", "BibTeX"], ["csl", "CSL-JSON"]].map(([format, name]) =>
    `<a class="cite" href="${cite}${format}" download>${name}</a>`).join(" · "));
  return parts.length ? `<p class="official">${parts.join("<br>")}</p>` : "";
}

// A series drawn as a timeline: a dot a step by session, filled and a link when the index holds
// it, its size the clauses that changed.
function lineageTimeline(steps) {
  const placed = steps.filter((s) => s.session);
  if (placed.length < 2) return "";
  const first = placed[0].session, last = placed[placed.length - 1].session;
  const span = Math.max(1, last - first);
  const dots = placed.map((s) => {
    const x = (4 + 92 * (s.session - first) / span).toFixed(2);
    const changed = Object.entries(s.summary || {}).filter(([k]) => k !== "unchanged").reduce((n, [, v]) => n + v, 0);
    const radius = Math.min(11, 4 + changed);
    const label = `${s.symbol}${changed ? ` (${changed})` : ""}`;
    const dot = `<circle cx="${x}%" cy="30" r="${radius}" class="${s.doc_id ? "held" : "missing"}"><title>${escapeHtml(label)}</title></circle><text x="${x}%" y="58" text-anchor="middle">${s.session}</text>`;
    return s.doc_id ? `<a href="#doc=${encodeURIComponent(s.doc_id)}" data-doc="${escapeHtml(s.doc_id)}">${dot}</a>` : dot;
  }).join("");
  return `<svg class="timeline" role="img" aria-label="${escapeHtml(t("lineage"))}"><line x1="2%" x2="98%" y1="30" y2="30"></line>${dots}</svg>`;
}

// Browse: what is indexed, by session (GET /documents sorted by session), a page at a time.
let browsePage = 1;
async function openBrowse(more) {
  browsePage = more ? browsePage + 1 : 1;
  const body = await getJSON("documents?" + new URLSearchParams({ sort: "session", per_page: "100", page: String(browsePage), lang: state.lang }));
  const groups = new Map();
  for (const d of body.documents) {
    const key = d.session ? `${t("session")} ${d.session}` : t("noSession");
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(d);
  }
  const html = [...groups].map(([session, docs]) => `<section class="browse-session"><h3>${escapeHtml(session)}</h3><ul>${docs.map((d) =>
    `<li><a href="#doc=${encodeURIComponent(d.doc_id)}" data-doc="${escapeHtml(d.doc_id)}">${escapeHtml(d.symbol || fileName(d.doc_id))}</a> ${escapeHtml(d.title)} <small>${escapeHtml([d.language, d.date].filter(Boolean).join(" · "))}</small></li>`).join("")}</ul></section>`).join("");
  const browse = $("browse");
  const rest = browsePage * 100 < body.total ? `<button type="button" id="browse-more">${escapeHtml(t("loadMore"))}</button>` : "";
  if (more) { $("browse-more")?.remove(); browse.insertAdjacentHTML("beforeend", html + rest); }
  else browse.innerHTML = `<h2>${escapeHtml(t("browseTitle"))} (${body.total})</h2>${html}${rest}`;
  showDocumentPanel();
  $("document").hidden = true;
  browse.hidden = false;
}

document.addEventListener("click", (e) => {
  const bar = e.target.closest("[data-trend-session]");
  if (bar) { e.preventDefault(); state.filters.session = [bar.dataset.trendSession]; state.page = 1; newEntry = true; search(); return; }
  const more = e.target.closest("[data-more]");
  if (more) { e.preventDefault(); showAllValues(more.dataset.more); return; }
  if (e.target.id === "browse-more") { openBrowse(true); return; }
  if (e.target.closest("#browse-link")) { e.preventDefault(); history.pushState(null, "", "#browse"); openBrowse(); }
});
document.addEventListener("input", (e) => {
  const box = e.target.closest("[data-filter-facet]");
  if (!box) return;
  const wanted = box.value.trim().toLowerCase();
  for (const label of box.closest("details").querySelectorAll(".values label")) {
    label.hidden = Boolean(wanted) && !label.textContent.toLowerCase().includes(wanted);
  }
});
