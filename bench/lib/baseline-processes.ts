import { ChildProcess, spawn } from 'node:child_process';
import { SERVICE_NODE_FLAGS } from '@warden/config';
import { pollUntil } from '@warden/testing';

/**
 * Baselines run as their own processes, like the services they are compared with, and with the same Node
 * flags: a bare NATS echo responder and a bare node:http hello.
 */
export function startNatsEcho(natsUrl: string, subject: string): ChildProcess {
  const script = `
    const { connect } = require('nats');
    connect({ servers: ${JSON.stringify(natsUrl)} }).then((nc) => {
      nc.subscribe(${JSON.stringify(subject)}, { callback: (_e, m) => m.respond(m.data) });
      process.on('SIGTERM', () => nc.close().then(() => process.exit(0)));
    });`;
  return spawn(process.execPath, [...SERVICE_NODE_FLAGS, '-e', script], { cwd: process.cwd(), stdio: 'inherit' });
}

export async function startHttpHello(port: number): Promise<ChildProcess> {
  const script = `
    const body = JSON.stringify({ user: { id: '00000000-0000-0000-0000-000000000000', discordId: '1', username: 'hello', roles: ['user'] } });
    require('node:http').createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    }).listen(${port}, '127.0.0.1');
    process.on('SIGTERM', () => process.exit(0));`;
  const child = spawn(process.execPath, [...SERVICE_NODE_FLAGS, '-e', script], { stdio: 'inherit' });
  await pollUntil(() => fetch(`http://127.0.0.1:${port}/`).then((r) => r.ok).catch(() => false), { timeoutMs: 5_000 });
  return child;
}
