// Loaded with `node --import` into the kinesis-mock process (npm kinesis-local) by kinesis-mock-server.ts.
// kinesis-mock has no host option and listens on every interface at fixed ports. Its two listeners are asked for
// by marker ports (KINESIS_MOCK_PLAIN_PORT / _TLS_PORT); this binds them to 127.0.0.1 on a free port instead, turns
// off Nagle's algorithm on accepted sockets (small responses otherwise wait for the delayed ACK), and prints the
// ports the test must use on stdout.
import net from 'node:net';

const markers = new Map([
  [Number(process.env.KINESIS_MOCK_PLAIN_PORT), 'plain'],
  [Number(process.env.KINESIS_MOCK_TLS_PORT), 'tls'],
]);
const listen = net.Server.prototype.listen;

net.Server.prototype.listen = function (port, ...rest) {
  const kind = markers.get(Number(port));
  if (kind === undefined) return listen.call(this, port, ...rest);
  const callback = rest.find((arg) => typeof arg === 'function');
  this.on('connection', (socket) => socket.setNoDelay(true));
  this.once('listening', () => process.stdout.write(`KINESIS_MOCK_LISTENING ${kind} ${this.address().port}\n`));
  return listen.call(this, 0, '127.0.0.1', callback);
};
