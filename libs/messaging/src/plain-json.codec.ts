import { randomUUID } from 'node:crypto';
import { ConsumerDeserializer, IncomingRequest, Serializer } from '@nestjs/microservices';
import { ErrorCode, httpStatusOf } from '@warden/contracts';
import { headers as natsHeaders, MsgHdrs } from 'nats';
import { isRpcErrorPayload } from './warden-rpc-error';
import { RequestContext } from './request-context';

/** Marks a request body that was not valid JSON; the contract pipe turns it into BAD_REQUEST. */
export const MALFORMED_JSON = Symbol('malformed-json');

const decoder = new TextDecoder('utf-8', { fatal: true });
const encoder = new TextEncoder();

/**
 * Reads a request as plain JSON: the whole body is the payload, so any NATS client can call a Warden
 * subject (`nats req authz.check '{"userId":"…"}'`) without Nest's `{pattern,data,id}` envelope.
 */
export class PlainJsonRequestDeserializer implements ConsumerDeserializer {
  deserialize(value: Uint8Array, options?: { channel?: string; replyTo?: string }): IncomingRequest {
    let data: unknown;
    try {
      const text = decoder.decode(value);
      data = text.length === 0 ? {} : JSON.parse(text);
    } catch {
      data = MALFORMED_JSON;
    }
    // Nest needs an id to treat a message as a request; the reply subject is what makes it one.
    return { pattern: options?.channel ?? '', data, id: options?.replyTo ? randomUUID() : (undefined as unknown as string) };
  }
}

interface OutgoingPacket {
  response?: unknown;
  err?: unknown;
  status?: string;
  isDisposed?: boolean;
}

/**
 * Writes a reply as plain JSON: the handler's value as it is, or `{"error":{code,message,requestId}}`
 * with the NATS micro-service error headers (`Nats-Service-Error`, `Nats-Service-Error-Code`).
 */
export class PlainJsonReplySerializer implements Serializer<OutgoingPacket, { data: Uint8Array; headers?: MsgHdrs }> {
  serialize(packet: OutgoingPacket): { data: Uint8Array; headers?: MsgHdrs } {
    if (packet.err !== undefined && packet.err !== null) {
      const err = isRpcErrorPayload(packet.err)
        ? packet.err
        : { code: ErrorCode.INTERNAL, message: 'Internal error' };
      const requestId = RequestContext.requestId();
      const body = { error: { ...err, ...(requestId ? { requestId } : {}) } };
      const headers = natsHeaders();
      headers.set('Nats-Service-Error', err.message.replace(/[\r\n]+/g, ' ').slice(0, 200));
      headers.set('Nats-Service-Error-Code', String(httpStatusOf(err.code)));
      return { data: encoder.encode(JSON.stringify(body)), headers };
    }
    const response = packet.response === undefined ? {} : packet.response;
    return { data: encoder.encode(JSON.stringify(response)) };
  }
}
