// Flushing 100 records two ways against an embedded kinesalite:
//   (1) the KPL's flushSync() loop: while (outstanding > 0) { flush(); sleep(500) }
//   (2) await producer.flush(), a promise that settles when the records have settled.
// Run: npm run build && node scripts/producer-demo.js
import { pathToFileURL } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import kinesalite from 'kinesalite';
import { CreateStreamCommand, DescribeStreamSummaryCommand, KinesisClient } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { KinesisProducer } from '../dist/producer/index.js';

const RECORDS = 100;

/** Starts kinesalite, flushes 100 records with each method, prints and returns both times. */
export async function runProducerDemo({ log = console.log } = {}) {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const server = kinesalite({ createStreamMs: 0, deleteStreamMs: 0, updateStreamMs: 0, shardLimit: 100 });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${server.address().port}`;
  const clientConfig = { region: 'us-east-1', endpoint, credentials: { accessKeyId: 'demo', secretAccessKey: 'demo' } };
  const admin = new KinesisClient({ ...clientConfig, requestHandler: new NodeHttpHandler(), maxAttempts: 1 });
  const producers = [];
  try {
    const streamName = 'sleepless-demo';
    await admin.send(new CreateStreamCommand({ StreamName: streamName, ShardCount: 2 }));
    // Remote state (the stream's status) can only be observed by asking, so this wait asks.
    while ((await admin.send(new DescribeStreamSummaryCommand({ StreamName: streamName }))).StreamDescriptionSummary?.StreamStatus !== 'ACTIVE') {
      await sleep(10);
    }
    log(`kinesalite on ${endpoint}, stream "${streamName}" with 2 shards; flushing ${RECORDS} records each way`);

    const newProducer = async () => {
      const producer = new KinesisProducer({ streamName, clientConfig });
      producers.push(producer);
      // Warm up: open the connection and load the shard map, so both timings measure only the flush.
      await producer.put({ partitionKey: 'warm-up', data: 'warm-up' });
      return producer;
    };
    const putAll = (producer, label) => {
      const puts = [];
      for (let i = 0; i < RECORDS; i++) puts.push(producer.put({ partitionKey: `${label}-${i}`, data: JSON.stringify({ i, label }) }));
      return Promise.all(puts);
    };

    // (1) The KPL's flushSync(): flush() is fire-and-forget, then poll the count every 500 ms.
    const kpl = await newProducer();
    const kplPuts = putAll(kpl, 'kpl');
    let started = performance.now();
    while (kpl.getOutstandingRecordsCount() > 0) {
      kpl.flush();
      await sleep(500);
    }
    const kplStyleMs = performance.now() - started;
    await kplPuts;

    // (2) await flush(): settles when the snapshot's records have settled, about one PutRecords round trip.
    const sleepless = await newProducer();
    const sleeplessPuts = putAll(sleepless, 'sleepless');
    started = performance.now();
    const report = await sleepless.flush();
    const promiseMs = performance.now() - started;
    await sleeplessPuts;

    const ratio = kplStyleMs / promiseMs;
    const putRecordsMs = sleepless.metrics().putRecordsLatencyMs.max;
    log(`(1) KPL-style flushSync loop (flush(); sleep 500 ms; until 0 outstanding): ${kplStyleMs.toFixed(1)} ms`);
    log(`(2) await producer.flush(): ${promiseMs.toFixed(1)} ms (delivered ${report.delivered}, failed ${report.failed}; slowest PutRecords ${putRecordsMs.toFixed(1)} ms)`);
    log(`the polling loop took ${ratio.toFixed(0)}× as long`);
    return { records: RECORDS, kplStyleMs, promiseMs, ratio, putRecordsMs, report };
  } finally {
    await Promise.all(producers.map((producer) => producer.close()));
    admin.destroy();
    await new Promise((resolve) => server.close(() => resolve()));
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runProducerDemo().catch((error) => {
    console.error(error);
    process.exitCode = 1;
  });
}
