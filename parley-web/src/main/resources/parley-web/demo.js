// @ts-check
// The demo page: shows the embed snippet and the WebSocket URL for this server's own address.
// A file rather than an inline script, so the page works under a strict Content-Security-Policy.

const ws = document.getElementById('ws');
const snippet = document.getElementById('snippet');
if (ws) {
  ws.textContent = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/ws';
}
if (snippet) {
  snippet.textContent = `<script src="${location.origin}/widget.js" data-site="demo" async></script>`;
}
