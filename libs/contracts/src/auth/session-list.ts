import { z } from 'zod';
import { defineRequest } from '../contract';

/** `auth.session.list`: the user's active sessions (never their tokens). */
export const AuthSessionList = defineRequest(
  'auth.session.list',
  z.object({ userId: z.uuid() }).strict(),
  z.object({
    sessions: z.array(
      z.object({
        id: z.uuid(),
        createdAt: z.iso.datetime(),
        lastSeenAt: z.iso.datetime(),
        expiresAt: z.iso.datetime(),
        ip: z.string(),
        userAgent: z.string(),
      }),
    ),
  }),
);
