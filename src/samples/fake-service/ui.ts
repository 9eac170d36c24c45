// The /ui page: one self-contained HTML document (no downloads) that calls the service's own "/" and
// draws the call chain as a tree of boxes, each with name, owner, duration and status; failed calls in
// red with their error. It finds "/" from its own location, so it also works under a path prefix, and
// declares an empty icon: a browser's /favicon.ico request would otherwise run the whole call chain.

import type http from 'node:http';

/** Answers a request whose path is /ui or below it. */
export function serveUi(req: http.IncomingMessage, res: http.ServerResponse, path: string): void {
  if (path !== '/ui' && path !== '/ui/' && path !== '/ui/index.html') {
    const text = '404 page not found\n';
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
    res.end(req.method === 'HEAD' ? undefined : text);
    return;
  }
  res.writeHead(200, {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Length': Buffer.byteLength(UI_PAGE),
    'Cache-Control': 'no-cache',
  });
  res.end(req.method === 'HEAD' ? undefined : UI_PAGE);
}

export const UI_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Fake Service</title>
<link rel="icon" href="data:,">
<style>
  :root { --ok: #2e7d32; --bad: #c62828; --line: #9aa5b1; --ink: #1f2933; --muted: #616e7c; }
  * { box-sizing: border-box; }
  body { margin: 0; font: 14px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: #f5f7fa; }
  header { display: flex; align-items: center; gap: 16px; padding: 12px 20px; background: #fff; border-bottom: 1px solid #e4e7eb; }
  header h1 { font-size: 18px; margin: 0; font-weight: 600; }
  header .status { color: var(--muted); }
  button { font: inherit; padding: 6px 14px; border: 1px solid #3e4c59; border-radius: 4px; background: #3e4c59; color: #fff; cursor: pointer; }
  button:disabled { opacity: .6; cursor: default; }
  main { padding: 24px 12px; overflow-x: auto; }
  .tree { display: flex; justify-content: center; min-width: max-content; }
  .tree ul { display: flex; justify-content: center; margin: 0; padding: 20px 0 0; position: relative; }
  .tree li { list-style: none; position: relative; padding: 20px 8px 0; display: flex; flex-direction: column; align-items: center; }
  /* connectors: a bar across the siblings, a drop into every box, one down from each parent */
  .tree li::before, .tree li::after { content: ""; position: absolute; top: 0; right: 50%; width: 50%; height: 20px; border-top: 2px solid var(--line); }
  .tree li::after { right: auto; left: 50%; border-left: 2px solid var(--line); }
  .tree li:only-child::before, .tree li:only-child::after { display: none; }
  .tree li:only-child { padding-top: 0; }
  .tree li:first-child::before, .tree li:last-child::after { border: 0 none; }
  .tree li:last-child::before { border-right: 2px solid var(--line); border-radius: 0 5px 0 0; }
  .tree li:first-child::after { border-radius: 5px 0 0 0; }
  .tree > ul { padding-top: 0; }
  .tree ul ul::before { content: ""; position: absolute; top: 0; left: 50%; height: 20px; border-left: 2px solid var(--line); }
  .box { min-width: 220px; max-width: 320px; background: #fff; border: 2px solid var(--ok); border-radius: 6px; text-align: left; overflow: hidden; }
  .box.failed { border-color: var(--bad); background: #fff5f5; }
  .box .title { display: flex; justify-content: space-between; gap: 8px; align-items: baseline; padding: 6px 10px; background: var(--ok); color: #fff; font-weight: 600; }
  .box.failed .title { background: var(--bad); }
  .box .code { font-variant-numeric: tabular-nums; }
  .box dl { display: grid; grid-template-columns: auto 1fr; gap: 2px 10px; margin: 8px 10px; }
  .box dt { color: var(--muted); }
  .box dd { margin: 0; word-break: break-all; }
  .box .error { margin: 0 10px 8px; padding: 6px 8px; border-radius: 4px; background: #ffebee; color: var(--bad); word-break: break-word; }
  .box .body { margin: 0 10px 8px; color: var(--muted); font-style: italic; word-break: break-word; }
  .problem { max-width: 640px; margin: 0 auto; padding: 12px 16px; border: 2px solid var(--bad); border-radius: 6px; background: #fff5f5; color: var(--bad); white-space: pre-wrap; }
  details { max-width: 960px; margin: 24px auto 0; }
  pre { background: #fff; border: 1px solid #e4e7eb; padding: 12px; overflow: auto; }
</style>
</head>
<body>
<header>
  <h1 id="title">Fake Service</h1>
  <button id="run" type="button">Call again</button>
  <span class="status" id="status"></span>
</header>
<main>
  <div id="chart"></div>
  <details><summary>Response</summary><pre id="raw"></pre></details>
</main>
<script>
(function () {
  "use strict";
  var chart = document.getElementById("chart");
  var statusEl = document.getElementById("status");
  var raw = document.getElementById("raw");
  var button = document.getElementById("run");

  // The service root relative to this page: /ui -> /, /prefix/ui/ -> /prefix/.
  function serviceRoot() {
    var p = location.pathname;
    var i = p.lastIndexOf("/ui");
    var base = i >= 0 ? p.slice(0, i) : p.replace(/[^\\/]*$/, "");
    return base.replace(/\\/+$/, "") + "/";
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }

  function failed(node) {
    return !!node.error || (typeof node.code === "number" && node.code !== 200 && node.code !== 0);
  }

  function describeBody(body) {
    if (body === undefined || body === null) return "";
    return typeof body === "string" ? body : JSON.stringify(body);
  }

  function box(node, calledAs) {
    var b = el("div", "box" + (failed(node) ? " failed" : ""));
    var title = el("div", "title");
    title.appendChild(el("span", "name", node.name || calledAs || "(no name)"));
    title.appendChild(el("span", "code", node.code === -1 ? "no response" : node.code));
    b.appendChild(title);
    var dl = el("dl");
    function row(k, v) {
      if (v === undefined || v === null || v === "") return;
      dl.appendChild(el("dt", "", k));
      dl.appendChild(el("dd", "", v));
    }
    row("Owner", node.owner);
    row("URI", calledAs || node.uri);
    if (calledAs && node.uri && node.uri !== calledAs) row("Path", node.uri);
    row("Duration", node.duration);
    if (node.ip_addresses && node.ip_addresses.length) row("IP", node.ip_addresses.join(", "));
    b.appendChild(dl);
    if (node.error) b.appendChild(el("div", "error", node.error));
    var body = describeBody(node.body);
    if (body) b.appendChild(el("div", "body", body));
    return b;
  }

  function branch(node, calledAs) {
    var li = el("li");
    li.appendChild(box(node, calledAs));
    var calls = node.upstream_calls;
    var keys = calls && typeof calls === "object" ? Object.keys(calls) : [];
    if (keys.length) {
      var ul = el("ul");
      keys.forEach(function (k) { ul.appendChild(branch(calls[k] || {}, k)); });
      li.appendChild(ul);
    }
    return li;
  }

  function show(node) {
    chart.textContent = "";
    var tree = el("div", "tree");
    var ul = el("ul");
    ul.appendChild(branch(node, ""));
    tree.appendChild(ul);
    chart.appendChild(tree);
    if (node.name) {
      document.title = node.name + " - Fake Service";
      document.getElementById("title").textContent = node.name;
    }
  }

  function problem(text) {
    chart.textContent = "";
    chart.appendChild(el("div", "problem", text));
  }

  function run() {
    var url = serviceRoot();
    var started = Date.now();
    button.disabled = true;
    statusEl.textContent = "Calling " + url + " ...";
    fetch(url, { cache: "no-store", headers: { "Accept": "application/json" } })
      .then(function (res) {
        return res.text().then(function (text) { return { res: res, text: text }; });
      })
      .then(function (r) {
        raw.textContent = r.text;
        statusEl.textContent = "HTTP " + r.res.status + " in " + (Date.now() - started) + " ms at " + new Date().toLocaleTimeString();
        var data;
        try { data = JSON.parse(r.text); } catch (e) { data = null; }
        if (data && typeof data === "object") show(data);
        else problem("HTTP " + r.res.status + " from " + url + (r.text ? ":\\n" + r.text : ""));
      })
      .catch(function (err) {
        statusEl.textContent = "";
        raw.textContent = "";
        problem("Could not reach " + url + ": " + (err && err.message ? err.message : err));
      })
      .then(function () { button.disabled = false; });
  }

  button.addEventListener("click", run);
  run();
})();
</script>
</body>
</html>
`;
