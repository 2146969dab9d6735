import { RpcException } from '@nestjs/microservices';
import { MALFORMED_JSON, PlainJsonReplySerializer, PlainJsonRequestDeserializer } from './plain-json.codec';
import { RequestContext } from './request-context';

const encode = (text: string) => new TextEncoder().encode(text);
const decode = (bytes: Uint8Array) => JSON.parse(new TextDecoder().decode(bytes));

describe('plain JSON over NATS', () => {
  const deserializer = new PlainJsonRequestDeserializer();
  const serializer = new PlainJsonReplySerializer();

  it('takes the whole body as the payload of a request', () => {
    const packet = deserializer.deserialize(encode('{"pattern":"x","data":1}'), { channel: 'authz.check', replyTo: '_INBOX.1' });
    expect(packet).toMatchObject({ pattern: 'authz.check', data: { pattern: 'x', data: 1 }, id: expect.any(String) });
  });

  it('marks bad JSON and invalid UTF-8 instead of throwing', () => {
    expect(deserializer.deserialize(encode('{oops'), { channel: 'c', replyTo: 'r' }).data).toBe(MALFORMED_JSON);
    expect(deserializer.deserialize(new Uint8Array([0xff, 0xfe]), { channel: 'c', replyTo: 'r' }).data).toBe(MALFORMED_JSON);
  });

  it('treats an empty body as an empty object', () => {
    expect(deserializer.deserialize(new Uint8Array(), { channel: 'c', replyTo: 'r' }).data).toEqual({});
  });

  it('writes replies as they are', () => {
    expect(decode(serializer.serialize({ response: { allowed: true } }).data)).toEqual({ allowed: true });
  });

  it('writes typed errors with the request id and micro-service error headers', () => {
    const out = RequestContext.run({ requestId: 'r-1' }, () => serializer.serialize({ err: { code: 'NOT_FOUND', message: 'no such role' } }));
    expect(decode(out.data)).toEqual({ error: { code: 'NOT_FOUND', message: 'no such role', requestId: 'r-1' } });
    expect(out.headers?.get('Nats-Service-Error-Code')).toBe('404');
  });

  it('hides untyped errors behind INTERNAL', () => {
    const out = serializer.serialize({ err: new RpcException('relation "x" does not exist') });
    expect(decode(out.data)).toEqual({ error: { code: 'INTERNAL', message: 'Internal error' } });
  });
});
