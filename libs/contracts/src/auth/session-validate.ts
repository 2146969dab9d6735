import { z } from 'zod';
import { defineRequest } from '../contract';

/** `auth.session.validate`: who holds this token? Expired, revoked, unknown or malformed → UNAUTHORIZED. */
export const AuthSessionValidate = defineRequest(
  'auth.session.validate',
  z
    .object({
      token: z.string().max(4096),
      ip: z.string().min(1).max(64).optional(),
    })
    .strict(),
  z.object({
    userId: z.uuid(),
    sessionId: z.uuid(),
    discordId: z.string(),
    username: z.string(),
    roles: z.array(z.string()),
    expiresAt: z.iso.datetime(),
  }),
);
