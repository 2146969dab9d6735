import { createIsolatedEnvironment, freePort, IsolatedEnvironment, NatsServerProcess, pollUntil, startWardenStack, WardenStack } from '@warden/testing';

/** Readiness follows NATS: 503 naming it within 5 s of losing it, 200 again on its own once it is back. */
describe('gateway /readyz when NATS goes away and comes back', () => {
  let nats: NatsServerProcess;
  let environment: IsolatedEnvironment;
  let stack: WardenStack;

  beforeAll(async () => {
    nats = new NatsServerProcess(await freePort());
    await nats.start();
    environment = await createIsolatedEnvironment(nats.url);
    stack = await startWardenStack(environment.env);
  });

  afterAll(async () => {
    await stack?.stop();
    await environment?.dispose();
    await nats?.dispose();
  });

  async function readiness(): Promise<{ status: number; body: { status: string; error: Record<string, { status: string; message?: string }> } }> {
    const response = await fetch(`${stack.gatewayUrl}/readyz`);
    return { status: response.status, body: (await response.json()) as never };
  }

  it('is 200 with NATS, Redis and all five services up', async () => {
    const { status, body } = await readiness();
    expect(status).toBe(200);
    expect(body.status).toBe('ok');
  });

  it('turns 503 naming NATS within 5 s, answering each probe within 2 s', async () => {
    await nats.stop();
    const started = Date.now();
    const down = await pollUntil(readiness, { timeoutMs: 5_000, intervalMs: 100, accept: (r) => r.status === 503 && 'nats' in r.body.error, description: '503 naming nats' });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(down.body.error['nats']!.status).toBe('down');

    const probeStarted = Date.now();
    await readiness();
    expect(Date.now() - probeStarted).toBeLessThan(2_000);
  });

  it('recovers to 200 by itself when NATS is back, without restarting any service', async () => {
    const pids = [...stack.processes.values()].map((p) => p.pid);
    await nats.start();
    await pollUntil(readiness, { timeoutMs: 30_000, intervalMs: 200, accept: (r) => r.status === 200, description: 'readiness to recover' });
    expect([...stack.processes.values()].map((p) => p.pid)).toEqual(pids);
    expect([...stack.processes.values()].every((p) => p.isRunning)).toBe(true);
  });
});
