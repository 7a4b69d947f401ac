// A job queue whose callers wait for it to go idle by checking on a timer, three ways.
// Each wait lasts up to one polling interval longer than the jobs themselves.
import pWaitFor from 'p-wait-for';

export class JobQueue {
  constructor() {
    this.pending = [];
    this.running = 0;
  }

  /** Resolves once nothing is pending or running: checks every 100 ms. */
  idle() {
    return new Promise((resolve) => {
      const timer = setInterval(() => {
        if (this.pending.length === 0 && this.running === 0) {
          clearInterval(timer);
          resolve();
        }
      }, 100);
    });
  }

  /** Calls back once the queue is empty: re-checks every 250 ms. */
  onEmpty(callback) {
    const check = () => {
      if (this.pending.length === 0) callback();
      else setTimeout(check, 250);
    };
    check();
  }

  /** Same again with a polling helper. */
  async drained() {
    await pWaitFor(() => this.running === 0, { interval: 50 });
  }
}
