import { z } from 'zod';

/** A session token as issued: 32 random bytes, base64url (43 characters). Anything else never reaches the database. */
export const SESSION_TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;
export const SessionToken = z.string().regex(SESSION_TOKEN_PATTERN, { error: 'malformed session token' });

/** Where a request came from, as the gateway saw it. */
export const ClientInfo = {
  ip: z.string().min(1).max(64),
  userAgent: z.string().max(512).default(''),
};

export const PublicUser = z.object({
  id: z.uuid(),
  discordId: z.string(),
  username: z.string(),
  globalName: z.string().nullable(),
  avatar: z.string().nullable(),
});
export type PublicUser = z.infer<typeof PublicUser>;
