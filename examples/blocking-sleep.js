// A deploy script ported from a shell script: it waits for a service by sleeping, and every
// sleep freezes the whole process (no timers, no I/O, no signal handling) until it ends.
import { execSync } from 'node:child_process';

const RETRY_MS = 500;

/** Blocks the thread for `ms` milliseconds: nothing can notify this throw-away buffer. */
export function sleepSync(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

export function restartService(name) {
  execSync(`systemctl restart ${name}`);
  // Give the service time to bind its port.
  execSync('sleep 2');
}

export function deployAll(services) {
  for (const service of services) {
    restartService(service);
    sleepSync(RETRY_MS);
  }
}
