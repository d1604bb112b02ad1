// Baseline of rows 2 and 4: a bare `ws` relay. A client connects with ?id=<name>; {to, body} is passed on
// to the socket named `to` and acknowledged to the sender, as sendMessage is.
import { createServer } from 'node:http';
import { WebSocketServer } from 'ws';

const sockets = new Map();
const server = createServer((_req, res) => res.writeHead(404).end());
const wss = new WebSocketServer({ server });
wss.on('connection', (socket, req) => {
  const id = new URL(req.url, 'http://relay').searchParams.get('id') ?? '';
  sockets.set(id, socket);
  socket.on('message', (data) => {
    const message = JSON.parse(data.toString());
    if (message.subscribe) return void socket.send(JSON.stringify({ subscribed: true }));
    sockets.get(message.to)?.send(JSON.stringify({ from: id, body: message.body }));
    socket.send(JSON.stringify({ ack: message.body }));
  });
  socket.on('close', () => {
    if (sockets.get(id) === socket) sockets.delete(id);
  });
});
server.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () => console.log(`listening on ${server.address().port}`));
process.on('SIGTERM', () => {
  for (const socket of wss.clients) socket.terminate();
  server.close(() => process.exit(0));
});
