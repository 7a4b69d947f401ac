// The Kinesis Producer Library's Java flushSync(), ported line for line to TypeScript:
//
//   while (getOutstandingRecordsCount() > 0) { flush(); Thread.sleep(500); }
//
// Every call costs at least 500 ms whenever anything is outstanding, however fast PutRecords is.
// `npm run demo` shows `eslint --fix` rewriting it, then runs both versions against an embedded Kinesis.
import { KinesisProducer } from 'eslint-plugin-sleepless/producer';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class EventSink {
  constructor(private readonly producer: KinesisProducer) {}

  async write(events: { id: string; body: string }[]): Promise<void> {
    for (const event of events) {
      void this.producer.put({ partitionKey: event.id, data: event.body });
    }
    await this.flushSync();
  }

  /** Waits until every record is delivered, as KPL's flushSync() does. */
  async flushSync(): Promise<void> {
    while (this.producer.getOutstandingRecordsCount() > 0) {
      void this.producer.flush();
      await sleep(500);
    }
  }
}
