import { createServer, type Server, type Socket } from 'node:net';

/**
 * An endpoint on 127.0.0.1 that accepts every connection and never answers: a run that reaches the network there
 * hangs until its own timeouts, so a case that must be decided locally (before any request) is told apart.
 */
export type SilentEndpoint = { readonly url: string; close(): Promise<void> };

export async function startSilentEndpoint(): Promise<SilentEndpoint> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('data', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
