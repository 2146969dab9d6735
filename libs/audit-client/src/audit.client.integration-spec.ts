import { SecurityEvent } from '@warden/contracts';
import { NatsShutdownSequence, RequestContext } from '@warden/messaging';
import { freePort, NatsServerProcess, pollUntil } from '@warden/testing';
import { randomUUID } from 'node:crypto';
import { AckPolicy, connect, DeliverPolicy, NatsConnection, StringCodec } from 'nats';
import { AuditClient } from './audit.client';

const codec = StringCodec();

describe('AuditClient publishing to JetStream', () => {
  let server: NatsServerProcess;
  let nats: NatsConnection;
  const stream = `AUDIT_${randomUUID().slice(0, 8)}`;
  const prefix = 'it.';

  beforeAll(async () => {
    server = new NatsServerProcess(await freePort());
    await server.start();
    nats = await connect({ servers: server.url, maxReconnectAttempts: -1, reconnectTimeWait: 100 });
  });

  afterAll(async () => {
    await nats?.close();
    await server?.dispose();
  });

  function client(): AuditClient {
    return new AuditClient(nats, { source: 'auth', stream, subjectPrefix: prefix, waitForStorageMs: 60_000 }, new NatsShutdownSequence(nats));
  }

  async function storedEvents(): Promise<Array<Record<string, unknown>>> {
    const jsm = await nats.jetstreamManager();
    const info = await jsm.streams.info(stream);
    const consumer = await jsm.consumers.add(stream, { ack_policy: AckPolicy.None, deliver_policy: DeliverPolicy.All });
    const messages = await nats.jetstream().consumers.get(stream, consumer.name);
    const batch = await messages.fetch({ max_messages: info.state.messages, expires: 1_000 });
    const events: Array<Record<string, unknown>> = [];
    for await (const message of batch) {
      events.push({ ...JSON.parse(codec.decode(message.data)), subject: message.subject, msgId: message.headers?.get('Nats-Msg-Id') });
      if (events.length === info.state.messages) break;
    }
    await jsm.consumers.delete(stream, consumer.name);
    return events;
  }

  it('creates the stream when missing and stores a SECURITY_ event with id, actor, source, request id and IP', async () => {
    const event = await RequestContext.run({ requestId: 'req-1', clientIp: '203.0.113.9' }, () =>
      client().logSecurityEvent('LOGIN_FAILED', 'user-1', { reason: 'state_expired' }),
    );
    const [stored] = await storedEvents();
    expect(stored).toMatchObject({
      id: event.id,
      msgId: event.id,
      action: 'SECURITY_LOGIN_FAILED',
      actorId: 'user-1',
      details: { reason: 'state_expired' },
      source: 'auth',
      requestId: 'req-1',
      ip: '203.0.113.9',
      subject: 'it.audit.events.auth.SECURITY_LOGIN_FAILED',
    });
    expect(new Date(stored!['occurredAt'] as string).toISOString()).toBe(stored!['occurredAt']);
  });

  it('stores the event with no IP rather than a value that is not one (a forged forwarding header)', async () => {
    const event = await RequestContext.run({ requestId: 'req-2', clientIp: 'x'.repeat(100) }, () => client().logSecurityEvent('PERMISSION_DENIED', 'user-2', {}));
    const stored = (await storedEvents()).find((e) => e['id'] === event.id);
    expect(stored).toMatchObject({ requestId: 'req-2', ip: null });
    // The audit service validates every event against this schema and drops the ones that fail it.
    const { subject: _subject, msgId: _msgId, ...body } = stored!;
    expect(SecurityEvent.safeParse(body).success).toBe(true);
    // An explicit value that is no IP gives way to the request's own address.
    const fallback = await RequestContext.run({ requestId: 'req-3', clientIp: '203.0.113.10' }, () => client().logSecurityEvent('PERMISSION_DENIED', 'user-2', {}, { ip: '2001:db8::/64' }));
    expect((await storedEvents()).find((e) => e['id'] === fallback.id)).toMatchObject({ requestId: 'req-3', ip: '203.0.113.10' });
  });

  it('stores a republished event id once (Nats-Msg-Id de-duplication)', async () => {
    const js = nats.jetstream();
    const id = randomUUID();
    const body = codec.encode(JSON.stringify({ id }));
    const first = await js.publish(`${prefix}audit.events.auth.SECURITY_LOGOUT`, body, { msgID: id });
    const second = await js.publish(`${prefix}audit.events.auth.SECURITY_LOGOUT`, body, { msgID: id });
    expect(second.duplicate).toBe(true);
    expect(second.seq).toBe(first.seq);
  });

  it('keeps an event published while NATS is down and stores it once NATS is back', async () => {
    const before = (await storedEvents()).length;
    await server.stop();
    let delivered = false;
    const publishing = client()
      .logSecurityEvent('KEY_ROTATED', 'scheduler', { version: 2 })
      .then((event) => {
        delivered = true;
        return event;
      });
    await new Promise((resolve) => setImmediate(resolve));
    expect(delivered).toBe(false);
    await server.start();
    const event = await publishing;
    await pollUntil(storedEvents, { timeoutMs: 10_000, accept: (events) => events.length === before + 1 });
    const stored = await storedEvents();
    expect(stored.filter((e) => e['id'] === event.id)).toHaveLength(1);
  });
});
