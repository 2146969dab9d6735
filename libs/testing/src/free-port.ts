import { createServer } from 'node:net';

/**
 * A TCP port free a moment ago on 127.0.0.1, chosen below Linux's ephemeral range (32768–60999): ports
 * there are also handed out as source ports of outgoing connections, so a port the OS picked for us
 * could be taken by some client's connection before our server binds it.
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const candidate = 20_000 + Math.floor(Math.random() * 12_000);
    if (await canListen(candidate)) return candidate;
  }
  throw new Error('no free port found between 20000 and 32000');
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}
