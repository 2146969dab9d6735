import { BACKEND_SERVICES } from '@warden/contracts';
import { createIsolatedEnvironment, IsolatedEnvironment, LOCAL_NATS_URL, startWardenStack, WardenStack } from '@warden/testing';
import { connect, headers, NatsConnection, StringCodec } from 'nats';

const codec = StringCodec();

describe('every backend service over NATS', () => {
  let environment: IsolatedEnvironment;
  let stack: WardenStack;
  let nats: NatsConnection;

  beforeAll(async () => {
    environment = await createIsolatedEnvironment();
    stack = await startWardenStack(environment.env, BACKEND_SERVICES);
    nats = await connect({ servers: LOCAL_NATS_URL });
  });

  afterAll(async () => {
    await nats?.close();
    await stack?.stop();
    await environment?.dispose();
  });

  async function request(subject: string, body: string, requestId?: string) {
    const h = headers();
    if (requestId) h.set('X-Request-Id', requestId);
    const reply = await nats.request(`${environment.env['NATS_SUBJECT_PREFIX']}${subject}`, codec.encode(body), { timeout: 5_000, headers: h });
    return { body: JSON.parse(codec.decode(reply.data)), headers: reply.headers };
  }

  it.each(BACKEND_SERVICES)('%s answers <service>.health to a bare NATS client with plain JSON', async (service) => {
    const { body, headers: replyHeaders } = await request(`${service}.health`, '{}');
    expect(body).toMatchObject({ service, status: 'ok', dependencies: expect.objectContaining({ nats: 'up' }) });
    expect(replyHeaders?.has('Nats-Service-Error-Code')).toBeFalsy();
  });

  it.each(BACKEND_SERVICES)('%s owns its own Postgres schema and reports it healthy', async (service) => {
    const { body } = await request(`${service}.health`, '{}');
    expect(body.dependencies.database).toBe('up');
  });

  it('answers malformed JSON with a typed BAD_REQUEST error, echoing the request id', async () => {
    const { body, headers: replyHeaders } = await request('auth.health', '{not json', 'trace-123');
    expect(body).toEqual({ error: { code: 'BAD_REQUEST', message: 'request body is not valid JSON', requestId: 'trace-123' } });
    expect(replyHeaders?.get('Nats-Service-Error-Code')).toBe('400');
  });

  it('answers a request with unknown fields with BAD_REQUEST listing the field', async () => {
    const { body } = await request('authz.health', '{"surprise":true}');
    expect(body.error.code).toBe('BAD_REQUEST');
    expect(body.error.fields).toEqual([expect.stringContaining('surprise')]);
  });

  it('replaces an ill-formed request id with a generated one', async () => {
    const { body } = await request('crypto.health', '[]', 'bad id with spaces');
    expect(body.error.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('serves liveness and readiness on each HEALTH_PORT', async () => {
    for (const service of BACKEND_SERVICES) {
      const readyUrl = stack.healthUrls.get(service)!;
      const ready = await fetch(readyUrl);
      expect(ready.status).toBe(200);
      const live = await fetch(readyUrl.replace('/readyz', '/healthz'));
      expect(await live.json()).toEqual({ status: 'ok' });
    }
  });

  it('shuts down cleanly on SIGTERM with exit code 0', async () => {
    const audit = stack.processes.get('audit')!;
    const result = await audit.stop(15_000);
    expect(result).toEqual({ code: 0, signal: null });
  });
});
