// Waiting for a server to listen by polling a flag its own event handler sets.
import { createServer, type Server } from 'node:http';

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function startServer(port: number): Promise<Server> {
  const server = createServer((_req, res) => res.end('ok'));
  let listening = false;
  server.on('listening', () => {
    listening = true;
  });
  server.listen(port);

  const deadline = Date.now() + 5_000;
  while (!listening && Date.now() < deadline) {
    await delay(25);
  }
  return server;
}

export async function waitForReadyFlag(state: { ready: boolean }): Promise<void> {
  for (;;) {
    if (state.ready) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
}
