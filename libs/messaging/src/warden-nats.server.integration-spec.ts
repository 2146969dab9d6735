import { Controller, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { INestMicroservice } from '@nestjs/common';
import { defineRequest, ErrorCode } from '@warden/contracts';
import { LOCAL_NATS_URL, pollUntil } from '@warden/testing';
import { randomUUID } from 'node:crypto';
import { connect, headers, NatsConnection, StringCodec } from 'nats';
import { z } from 'zod';
import { ContractPayload, HandleRequest } from './contract-payload.decorator';
import { NatsRpcClient } from './nats-rpc.client';
import { RequestContext } from './request-context';
import { RpcErrorFilter } from './rpc-error.filter';
import { WardenNatsServer } from './warden-nats.server';
import { rpcError, WardenRpcError } from './warden-rpc-error';

const Echo = defineRequest(
  'test.echo',
  z.object({ text: z.string().max(100), delayMs: z.number().int().min(0).max(5_000).default(0) }).strict(),
  z.object({ text: z.string(), requestId: z.string().nullable(), clientIp: z.string().nullable(), replica: z.string() }),
);
const Fails = defineRequest('test.fails', z.object({ kind: z.enum(['typed', 'crash']) }), z.object({}));

const codec = StringCodec();
const started: string[] = [];
const finished: string[] = [];

function echoModule(replica: string) {
  @Controller()
  class EchoController {
    @HandleRequest(Echo)
    async echo(@ContractPayload(Echo) request: z.output<typeof Echo.request>) {
      started.push(request.text);
      await new Promise((resolve) => setTimeout(resolve, request.delayMs));
      finished.push(request.text);
      return { text: request.text, requestId: RequestContext.requestId() ?? null, clientIp: RequestContext.current()?.clientIp ?? null, replica };
    }

    @HandleRequest(Fails)
    fails(@ContractPayload(Fails) request: z.output<typeof Fails.request>) {
      if (request.kind === 'typed') throw rpcError(ErrorCode.CONFLICT, 'already there');
      throw new Error('SELECT secret FROM somewhere failed');
    }
  }
  @Module({ controllers: [EchoController] })
  class EchoModule {}
  return EchoModule;
}

async function startReplica(prefix: string, replica: string): Promise<INestMicroservice> {
  const app = await NestFactory.createMicroservice(echoModule(replica), {
    strategy: new WardenNatsServer({ connection: { servers: LOCAL_NATS_URL }, subjectPrefix: prefix, queue: `${prefix}echo`, shutdownTimeoutMs: 5_000 }),
    logger: false,
  });
  app.useGlobalFilters(new RpcErrorFilter());
  await app.listen();
  return app;
}

describe('WardenNatsServer and NatsRpcClient against a real NATS', () => {
  const prefix = `t${randomUUID().slice(0, 8)}.`;
  let nats: NatsConnection;
  let rpc: NatsRpcClient;
  let replicaA: INestMicroservice;
  let replicaB: INestMicroservice;

  beforeAll(async () => {
    nats = await connect({ servers: LOCAL_NATS_URL });
    rpc = new NatsRpcClient(nats, prefix, 2_000, '_INBOX');
    replicaA = await startReplica(prefix, 'a');
    replicaB = await startReplica(prefix, 'b');
  });

  afterAll(async () => {
    await replicaA?.close();
    await replicaB?.close();
    await nats?.close();
  });

  it('answers a bare NATS request with plain JSON and sees the caller request id', async () => {
    const h = headers();
    h.set('X-Request-Id', 'req-42');
    const reply = await nats.request(`${prefix}test.echo`, codec.encode('{"text":"hi"}'), { timeout: 2_000, headers: h });
    expect(JSON.parse(codec.decode(reply.data))).toEqual({ text: 'hi', requestId: 'req-42', clientIp: null, replica: expect.any(String) });
  });

  it('keeps a caller-sent client IP only when it is an IP address', async () => {
    const clientIpSeen = async (value: string) => {
      const h = headers();
      h.set('X-Client-Ip', value);
      const reply = await nats.request(`${prefix}test.echo`, codec.encode('{"text":"ip"}'), { timeout: 2_000, headers: h });
      return JSON.parse(codec.decode(reply.data)).clientIp;
    };
    expect(await clientIpSeen('203.0.113.9')).toBe('203.0.113.9');
    expect(await clientIpSeen('2001:db8::7')).toBe('2001:db8::7');
    // Forged values never reach handlers, and so never an audit event (one the audit service could not store).
    expect(await clientIpSeen('x'.repeat(100))).toBeNull();
    expect(await clientIpSeen('<script>alert(1)</script>')).toBeNull();
    expect(await clientIpSeen('203.0.113.9, 198.51.100.1')).toBeNull();
  });

  it('propagates the current request id through NatsRpcClient', async () => {
    const reply = await RequestContext.run({ requestId: 'outer-7' }, () => rpc.request(Echo, { text: 'x' }));
    expect(reply.requestId).toBe('outer-7');
  });

  it('refuses to send a request that violates the contract', async () => {
    await expect(rpc.request(Echo, { text: 'x'.repeat(101) })).rejects.toMatchObject({ code: ErrorCode.BAD_REQUEST });
  });

  it('turns a typed handler error into WardenRpcError with its code', async () => {
    await expect(rpc.request(Fails, { kind: 'typed' })).rejects.toEqual(new WardenRpcError(ErrorCode.CONFLICT, 'already there'));
  });

  it('hides an unexpected handler error behind INTERNAL without its message', async () => {
    const reply = await nats.request(`${prefix}test.fails`, codec.encode('{"kind":"crash"}'), { timeout: 2_000 });
    const text = codec.decode(reply.data);
    expect(JSON.parse(text)).toEqual({ error: { code: 'INTERNAL', message: 'Internal error', requestId: expect.any(String) } });
    expect(text).not.toContain('SELECT');
  });

  it('maps "no responders" to SERVICE_UNAVAILABLE and silence to TIMEOUT', async () => {
    const nobody = defineRequest('nobody.home', z.object({}), z.object({}));
    await expect(rpc.request(nobody, {})).rejects.toMatchObject({ code: ErrorCode.SERVICE_UNAVAILABLE });
    const silent = nats.subscribe(`${prefix}silent.call`);
    const silentCall = defineRequest('silent.call', z.object({}), z.object({}));
    await expect(rpc.request(silentCall, {}, { timeoutMs: 200 })).rejects.toMatchObject({ code: ErrorCode.TIMEOUT });
    silent.unsubscribe();
  });

  it('shares requests between replicas through the queue group, answering each once', async () => {
    const replies = await Promise.all(Array.from({ length: 40 }, (_, i) => rpc.request(Echo, { text: String(i) })));
    expect(replies.map((r) => r.text)).toEqual(Array.from({ length: 40 }, (_, i) => String(i)));
    expect(new Set(replies.map((r) => r.replica))).toEqual(new Set(['a', 'b']));
  });

  it('on close, finishes in-flight requests, then stops taking new ones', async () => {
    await replicaB.close();
    const seen: string[] = [];
    // Only replica A is left: a slow request is in flight when it starts closing.
    const slow = rpc.request(Echo, { text: 'slow', delayMs: 700 });
    await pollUntil(() => started.includes('slow'), { timeoutMs: 2_000, description: 'the slow request to start' });
    const closing = replicaA.close().then(() => seen.push(finished.includes('slow') ? 'closed after the handler finished' : 'closed too early'));
    const reply = await slow;
    await closing;
    expect(reply.text).toBe('slow');
    expect(seen).toEqual(['closed after the handler finished']);
    await expect(rpc.request(Echo, { text: 'late' })).rejects.toMatchObject({ code: ErrorCode.SERVICE_UNAVAILABLE });
  });
});
