// @ts-check
// Parley chat widget. Add it to any page with one tag:
//
//   <script src="https://chat.example.com/widget.js" data-site="demo" async></script>
//
// Options (data-* attributes): data-site (required), data-lang (en, de; default: the browser's),
// data-title (the panel's title), data-open ("true" to start open), data-transports
// (e.g. "sse,longpoll"). This file only loads the widget's modules (widget/widget.js and what it
// imports, from the same place as this file) and mounts it: a launcher button and a chat panel in
// a Shadow DOM, styled by widget/widget.css, restyled by the page through CSS custom properties and
// ::part() (docs/CLIENTS.md#the-widget). A page with a Content-Security-Policy allows the Parley
// origin in script-src, style-src and connect-src (docs/SECURITY.md#embedding-the-widget).
(function () {
  'use strict';
  const script = /** @type {HTMLScriptElement|null} */ (document.currentScript);
  if (!script) {
    return;
  }
  const base = new URL(script.src, location.href).href;
  const d = script.dataset;
  import(new URL('widget/widget.js', base).href).then((m) => m.mount({
    base, site: d.site, lang: d.lang, title: d.title, open: d.open === 'true', transports: d.transports,
  })).catch((e) => console.error('parley: the chat widget could not load', e));
})();
