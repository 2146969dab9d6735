import { z } from 'zod';
import { defineRequest } from '../contract';

export const AuditRecordView = z.object({
  seq: z.number().int(),
  id: z.uuid(),
  action: z.string(),
  actorId: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
  occurredAt: z.iso.datetime(),
  source: z.string(),
  requestId: z.string().nullable(),
  ip: z.string().nullable(),
  hash: z.string(),
});
export type AuditRecordView = z.infer<typeof AuditRecordView>;

/** `audit.query`: newest first, filtered; `cursor` is the opaque `nextCursor` of the previous page. */
export const AuditQuery = defineRequest(
  'audit.query',
  z
    .object({
      readerId: z.string().min(1).max(128),
      action: z.string().regex(/^SECURITY_[A-Z0-9_]{1,64}$/, { error: 'must be a SECURITY_* action' }).optional(),
      actorId: z.string().min(1).max(128).optional(),
      from: z.iso.datetime({ error: 'must be an ISO-8601 UTC time' }).optional(),
      to: z.iso.datetime({ error: 'must be an ISO-8601 UTC time' }).optional(),
      limit: z.number().int().min(1, { error: 'must be from 1 to 500' }).max(500, { error: 'must be from 1 to 500' }).default(50),
      cursor: z.string().regex(/^[1-9]\d{0,17}$/, { error: 'is not a cursor from a previous page' }).optional(),
    })
    .strict(),
  z.object({ items: z.array(AuditRecordView), nextCursor: z.string().nullable() }),
);

/** The most groups one `audit.stats` answer carries (largest counts first), so it always fits a NATS message. */
export const MAX_STATS_GROUPS = 5_000;

/**
 * `audit.stats`: counts over a window [from, to), grouped by action, actor, IP, actor and IP, or a
 * top-level field of the events' details (`detail` with `detailKey`) — what the security scan reads.
 * `minCount` keeps only groups that reach it; `distinct: 'actor'` (with groupBy ip) also counts the
 * distinct non-null actors per group and applies `minCount` to them. At most `limit` groups, largest
 * first; `truncated` says there were more.
 */
export const AuditStats = defineRequest(
  'audit.stats',
  z
    .object({
      from: z.iso.datetime(),
      to: z.iso.datetime(),
      groupBy: z.enum(['action', 'actor', 'ip', 'actor_ip', 'detail']),
      detailKey: z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,31}$/, { error: 'must be a field name' }).optional(),
      action: z.string().regex(/^SECURITY_[A-Z0-9_]{1,64}$/).optional(),
      minCount: z.number().int().min(1).optional(),
      distinct: z.literal('actor').optional(),
      limit: z.number().int().min(1).max(MAX_STATS_GROUPS).default(MAX_STATS_GROUPS),
    })
    .strict()
    .refine((r) => (r.groupBy === 'detail') === (r.detailKey !== undefined), { error: 'detailKey goes with groupBy detail, and only with it', path: ['detailKey'] })
    .refine((r) => r.distinct === undefined || r.groupBy === 'ip', { error: 'distinct goes with groupBy ip', path: ['distinct'] }),
  z.object({
    groups: z.array(z.object({ key: z.string().nullable(), secondary: z.string().nullable().optional(), count: z.number().int(), distinct: z.number().int().optional() })),
    truncated: z.boolean(),
  }),
);

/** `audit.verify`: recomputes the chain (streaming) and checks the signed checkpoints. */
export const AuditVerify = defineRequest(
  'audit.verify',
  z.object({}).strict(),
  z.object({
    valid: z.boolean(),
    checked: z.number().int(),
    head: z.object({ seq: z.number().int(), hash: z.string() }).nullable(),
    firstBrokenSeq: z.number().int().nullable(),
    checkpoints: z.object({ checked: z.number().int(), latestSeq: z.number().int().nullable() }),
  }),
);

/** `audit.checkpoint`: signs the current chain head now (also done periodically). */
export const AuditCheckpoint = defineRequest(
  'audit.checkpoint',
  z.object({}).strict(),
  z.object({ seq: z.number().int(), hash: z.string(), signedAt: z.iso.datetime() }).nullable(),
);
