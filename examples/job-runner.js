// A small job runner: one real finding, and the shapes the rules leave alone.
import { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';

export class JobRunner extends EventEmitter {
  running = new Set();
  stopping = false;

  start(job) {
    const task = job().finally(() => {
      this.running.delete(task);
      if (this.running.size === 0) this.emit('idle');
    });
    this.running.add(task);
  }

  // Finding: waits for in-process state (the set of running jobs) with a fixed 100 ms sleep.
  async shutdown() {
    this.stopping = true;
    while (this.running.size > 0) {
      await sleep(100);
    }
  }

  // Silent: a periodic worker whose flag only cancels the loop.
  async heartbeat(send) {
    while (!this.stopping) {
      send({ type: 'heartbeat', running: this.running.size });
      await sleep(5000);
    }
  }
}

// Silent: retry with exponential back-off around a remote call.
export async function fetchWithRetry(url, attempts = 5) {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fetch(url);
    } catch (error) {
      if (attempt + 1 >= attempts) throw error;
      await sleep(2 ** attempt * 100);
    }
  }
}

// Silent: polling remote state; the loop awaits the API each time.
export async function waitForDeployment(api, id) {
  while ((await api.getDeployment(id)).status !== 'ready') {
    await sleep(2000);
  }
}
