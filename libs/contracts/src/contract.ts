import { z } from 'zod';

/**
 * A NATS request/reply call: the subject, the schema the handler validates the request with (and the
 * caller too, before sending), and the reply's schema. Caller and handler import the same object, so a
 * subject can never be sent a payload of the wrong type.
 */
export interface RequestContract<Req extends z.ZodType = z.ZodType, Reply extends z.ZodType = z.ZodType> {
  readonly kind: 'request';
  readonly subject: string;
  readonly request: Req;
  readonly reply: Reply;
}

/** A broadcast (plain pub/sub, every replica listens): subject and payload schema. */
export interface EventContract<Payload extends z.ZodType = z.ZodType> {
  readonly kind: 'event';
  readonly subject: string;
  readonly payload: Payload;
}

export type RequestOf<C extends RequestContract> = z.input<C['request']>;
export type ValidRequestOf<C extends RequestContract> = z.output<C['request']>;
export type ReplyOf<C extends RequestContract> = z.output<C['reply']>;
export type PayloadOf<C extends EventContract> = z.output<C['payload']>;

export function defineRequest<Req extends z.ZodType, Reply extends z.ZodType>(
  subject: string,
  request: Req,
  reply: Reply,
): RequestContract<Req, Reply> {
  return Object.freeze({ kind: 'request', subject, request, reply });
}

export function defineEvent<Payload extends z.ZodType>(subject: string, payload: Payload): EventContract<Payload> {
  return Object.freeze({ kind: 'event', subject, payload });
}

/** Formats zod issues as one line per offending field, e.g. `userId: Invalid UUID`. */
export function describeIssues(error: z.ZodError, root = '(body)'): string[] {
  return error.issues.map((issue) => {
    const path = issue.path.length > 0 ? issue.path.map(String).join('.') : root;
    return `${path}: ${issue.message}`;
  });
}
