// A connection wrapper that "waits" for its socket synchronously, and a crude rate limiter.
// Both spin the CPU without yielding; the first one never returns at all.
export class Connection {
  constructor(socket) {
    this.ready = false;
    socket.on('connect', () => {
      this.ready = true;
    });
  }

  waitUntilReady() {
    // The 'connect' handler can only run after this loop returns, so it never does.
    while (!this.ready) {
      // spin
    }
  }
}

export function throttle(lastCall, minGapMs) {
  const end = lastCall + minGapMs;
  while (Date.now() < end);
  return Date.now();
}
