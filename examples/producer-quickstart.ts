// A minimal service-style use of the producer.
// Run against AWS: STREAM=orders AWS_REGION=eu-west-1 npx tsx examples/producer-quickstart.ts
// Or against a local server: KINESIS_ENDPOINT=http://127.0.0.1:4567 STREAM=orders npx tsx examples/producer-quickstart.ts
import { KinesisProducer, ProducerError } from 'eslint-plugin-sleepless/producer';

const endpoint = process.env.KINESIS_ENDPOINT;
const producer = new KinesisProducer({
  streamName: process.env.STREAM ?? 'orders',
  clientConfig: endpoint
    ? { region: 'us-east-1', endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }
    : { region: process.env.AWS_REGION },
  aggregation: { enabled: false }, // turn on only if every consumer deaggregates (KCL, or aws-kinesis-agg in Lambda)
});

let failures = 0;
for (let i = 0; i < 1000; i++) {
  producer
    .put({ partitionKey: `customer-${i % 50}`, data: JSON.stringify({ order: i, at: Date.now() }) })
    .catch((error: ProducerError) => {
      failures++;
      console.error(`record ${i} failed: ${error.code}: ${error.message}`);
    });
}

const report = await producer.flush(); // settles when those 1000 records have settled: no sleep, no polling
console.log(`delivered ${report.delivered}, failed ${report.failed} (${failures} failures reported on the records)`);
console.log(producer.metrics().putRecordsLatencyMs);
await producer.close();
