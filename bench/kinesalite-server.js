// kinesalite in its own process, so the producer's event loop, CPU time and RSS are never shared with the server.
// Started by bench/common.js with fork(); prints `{"port":N}` on stdout (and sends it over IPC) once it listens on
// 127.0.0.1:0. Over IPC it answers { type: 'stats' } with its own RSS and CPU time, so a benchmark can report
// the server's memory separately. Run by hand: node bench/kinesalite-server.js [--shard-limit N]
import kinesalite from 'kinesalite';

const args = process.argv.slice(2);
const shardLimitIndex = args.indexOf('--shard-limit');
const shardLimit = shardLimitIndex >= 0 ? Number(args[shardLimitIndex + 1]) : 100;

// In memory (no `path`): memdown. Streams become ACTIVE at once (createStreamMs: 0).
const server = kinesalite({ createStreamMs: 0, deleteStreamMs: 0, updateStreamMs: 0, shardLimit });
let peakRss = process.memoryUsage.rss();
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage.rss());
}, 100);
sampler.unref();

// Node closes idle keep-alive sockets after 5 s by default; a client reusing one at that moment gets ECONNRESET
// ("socket hang up"). Real Kinesis keeps connections far longer, so keep them open while the benchmark runs.
server.keepAliveTimeout = 0;
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  process.stdout.write(`${JSON.stringify({ port })}\n`);
  process.send?.({ type: 'ready', port });
});

process.on('message', (message) => {
  if (message?.type === 'stats') {
    const rss = process.memoryUsage.rss();
    peakRss = Math.max(peakRss, rss);
    const cpu = process.cpuUsage();
    process.send?.({ type: 'stats', rss, peakRss, cpuUserMicros: cpu.user, cpuSystemMicros: cpu.system });
  }
});
// The parent going away (or closing IPC) ends the server.
process.on('disconnect', () => process.exit(0));
