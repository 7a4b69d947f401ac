// Loaded with `node --import` (directly or through NODE_OPTIONS) into a test server that has no host option and
// would listen on every interface at a fixed port: kinesis-mock (npm kinesis-local) and the kinesalite command.
// The test asks for listeners by marker ports, given as LOOPBACK_LISTEN="1=plain,2=tls"; each is bound to
// 127.0.0.1 on a free port instead, with Nagle's algorithm off on accepted sockets (small responses otherwise wait
// for the delayed ACK), and `LOOPBACK_LISTENING <label> <port>` is printed on stdout for the test to read.
import net from 'node:net';

const markers = new Map(
  (process.env.LOOPBACK_LISTEN ?? '')
    .split(',')
    .filter(Boolean)
    .map((pair) => {
      const [port, label] = pair.split('=');
      return [Number(port), label];
    }),
);
const listen = net.Server.prototype.listen;

net.Server.prototype.listen = function (port, ...rest) {
  const label = markers.get(Number(port));
  if (label === undefined) return listen.call(this, port, ...rest);
  const callback = rest.find((arg) => typeof arg === 'function');
  this.on('connection', (socket) => socket.setNoDelay(true));
  this.once('listening', () => process.stdout.write(`LOOPBACK_LISTENING ${label} ${this.address().port}\n`));
  return listen.call(this, 0, '127.0.0.1', callback);
};
