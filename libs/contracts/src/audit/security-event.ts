import { z } from 'zod';
import { SERVICES } from '../services';

/** Stream subjects are `audit.events.<source>.<action>`; the stream captures `audit.events.>`. */
export const AUDIT_SUBJECT_ROOT = 'audit.events';

/**
 * Every security event type Warden emits. The stored action is `SECURITY_<type>`, as in the seed's
 * SecurityAuditService.
 */
export const SECURITY_EVENT_TYPES = [
  'LOGIN_SUCCESS',
  'LOGIN_FAILED',
  'LOGOUT',
  'SESSION_REVOKED',
  'SESSION_IP_CHANGED',
  'PERMISSION_DENIED',
  'ROLE_CREATED',
  'ROLE_DELETED',
  'PERMISSION_GRANTED',
  'PERMISSION_REVOKED',
  'ROLE_ASSIGNED',
  'ROLE_UNASSIGNED',
  'KEY_ROTATED',
  'KEY_DESTROYED',
  'DECRYPT_FAILED',
  'RATE_LIMIT_EXCEEDED',
  'SUSPICIOUS_ACTIVITY',
  'IP_BLOCKED',
  'IP_UNBLOCKED',
  'AUDIT_READ',
  'SCAN_COMPLETED',
] as const;
export type SecurityEventType = (typeof SECURITY_EVENT_TYPES)[number];
export type SecurityAction = `SECURITY_${SecurityEventType}`;

export function securityAction(type: SecurityEventType): SecurityAction {
  return `SECURITY_${type}`;
}

export const SecurityEvent = z
  .object({
    id: z.uuid(),
    action: z.string().regex(/^SECURITY_[A-Z0-9_]{1,64}$/),
    actorId: z.string().min(1).max(128).nullable(),
    details: z.record(z.string(), z.unknown()),
    occurredAt: z.iso.datetime(),
    source: z.enum(SERVICES),
    requestId: z.string().max(128).nullable(),
    ip: z.string().max(64).nullable(),
  })
  .strict();
export type SecurityEvent = z.infer<typeof SecurityEvent>;

export function securityEventSubject(source: string, action: string): string {
  return `${AUDIT_SUBJECT_ROOT}.${source}.${action}`;
}
