import { z } from 'zod';
import { defineRequest } from '../contract';

/**
 * `auth.session.revoke`: revokes one of the user's sessions (`sessionId`), or all of them (`all`).
 * Someone else's session is NOT_FOUND. Every replica of every gateway forgets the revoked sessions at
 * once (broadcast `events.session.revoked`).
 */
export const AuthSessionRevoke = defineRequest(
  'auth.session.revoke',
  z
    .object({
      userId: z.uuid(),
      sessionId: z.uuid().optional(),
      all: z.boolean().optional(),
      reason: z.enum(['logout', 'user_revoked', 'logout_everywhere']),
    })
    .strict()
    .refine((r) => Boolean(r.sessionId) !== Boolean(r.all), { error: 'give exactly one of sessionId or all' }),
  z.object({ revokedSessionIds: z.array(z.uuid()) }),
);
