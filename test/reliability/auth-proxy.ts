import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * A small proxy in front of the test Kinesis server that refuses some access key ids the way AWS does: it reads the
 * key id from the SigV4 `Authorization` header and answers 400 with the configured error type, quoting the header
 * back (as a careless service might) so that tests can check the producer never passes it through.
 */
export interface AuthProxy {
  endpoint: string;
  /** Access key id → error type (`UnrecognizedClientException`, `InvalidSignatureException`, …). */
  refuse(accessKeyId: string, errorType: string): void;
  requests: number;
  close(): Promise<void>;
}

export async function startAuthProxy(target: string): Promise<AuthProxy> {
  const refused = new Map<string, string>();
  const sockets = new Set<Socket>();
  const targetUrl = new URL(target);
  const state = { requests: 0 };
  const server = http.createServer((req, res) => {
    state.requests++;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const authorization = String(req.headers.authorization ?? '');
      const keyId = /Credential=([^/]+)\//.exec(authorization)?.[1];
      const errorType = keyId ? refused.get(keyId) : undefined;
      if (errorType) {
        const body = JSON.stringify({
          __type: errorType,
          message: `The security token included in the request is invalid. Authorization: ${authorization}`,
        });
        res.writeHead(400, { 'content-type': 'application/x-amz-json-1.1', 'content-length': Buffer.byteLength(body) });
        res.end(body);
        return;
      }
      const forward = http.request(
        { host: targetUrl.hostname, port: targetUrl.port, method: req.method, path: req.url, headers: req.headers },
        (upstream) => {
          res.writeHead(upstream.statusCode ?? 502, upstream.headers);
          upstream.pipe(res);
        },
      );
      forward.on('error', () => res.destroy());
      forward.end(Buffer.concat(chunks));
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    refuse: (accessKeyId, errorType) => refused.set(accessKeyId, errorType),
    get requests() {
      return state.requests;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
