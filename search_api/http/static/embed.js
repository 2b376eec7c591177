// ga-search embed: <script src="https://HOST/embed.js" data-target="#ga-search"></script>
// Puts the search page, in its embedded layout, into the target element as an iframe.
(function () {
  var script = document.currentScript;
  var origin = new URL(script.src, location.href).origin;
  var target = document.querySelector(script.getAttribute("data-target") || "#ga-search");
  if (!target) { console.error("ga-search: no element matches data-target"); return; }
  var frame = document.createElement("iframe");
  var lang = script.getAttribute("data-lang");
  frame.src = origin + "/embed" + (lang ? "#lang=" + encodeURIComponent(lang) : "");
  frame.title = "ga-search";
  frame.style.cssText = "width:100%;border:0;min-height:" + (script.getAttribute("data-height") || "720px");
  frame.setAttribute("loading", "lazy");
  target.appendChild(frame);
})();
