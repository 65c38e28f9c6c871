// The Socket.IO 4 peer of `parley bench` (docs/BENCHMARKS.md): a small chat server on the same
// scenarios as Parley, written as its documentation suggests. Started by the bench as
//   node --expose-gc server.js <port>
// and loaded over Socket.IO's own wire format (Engine.IO v4 over WebSocket).
//
// Events (each with an acknowledgement where the client asks for one):
//   join  {conv}             -> joins room `conv`; ack {"joined": conv}
//   send  {conv, cid, text}  -> ack {"cid", "seq"} and emits `message` {conv, seq, id, from, cid, text, ts}
//                               to every socket in room `conv` (the sender included, as Parley does)
// Nothing is stored: this peer is not durable, which the bench's report says beside its figures.
//
// GET /bench/memory runs a full garbage collection (--expose-gc) and answers the process's memory
// as JSON ({"rss", "heapUsed", "heapTotal", "external"} in bytes): the bench's idle figures.
'use strict';

const http = require('node:http');
const { Server } = require('socket.io');

const port = Number(process.argv[2]);
if (!Number.isInteger(port) || port <= 0) {
  console.error('usage: node --expose-gc server.js <port>');
  process.exit(2);
}

const httpServer = http.createServer((req, res) => {
  if (req.url === '/bench/memory') {
    if (typeof global.gc === 'function') {
      global.gc();
    }
    const m = process.memoryUsage();
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external,
      gc: typeof global.gc === 'function' }));
    return;
  }
  if (!req.url.startsWith('/socket.io/')) {
    res.writeHead(404);
    res.end();
  }
});

const io = new Server(httpServer, {
  transports: ['websocket'], // the bench's clients open a WebSocket at once, as Parley's do
  serveClient: false,
  perMessageDeflate: false,
});

// The last seq of each room, so a `message` carries one as Parley's do (in memory only).
const seqs = new Map();

io.on('connection', (socket) => {
  socket.on('join', (msg, ack) => {
    const conv = msg && msg.conv;
    if (typeof conv !== 'string') {
      return;
    }
    socket.join(conv);
    if (typeof ack === 'function') {
      ack({ joined: conv });
    }
  });
  socket.on('send', (msg, ack) => {
    if (!msg || typeof msg.conv !== 'string' || typeof msg.text !== 'string') {
      return;
    }
    const seq = (seqs.get(msg.conv) || 0) + 1;
    seqs.set(msg.conv, seq);
    if (typeof ack === 'function') {
      ack({ cid: msg.cid, seq });
    }
    io.to(msg.conv).emit('message', { conv: msg.conv, seq, id: `m_${seq}`, from: socket.id, cid: msg.cid, text: msg.text,
      ts: Date.now() });
  });
});

httpServer.listen(port, '127.0.0.1', () => {
  console.log(`socket.io ${require('socket.io/package.json').version} listening on ${port}`);
});

process.on('SIGTERM', () => {
  io.close();
  process.exit(0);
});
