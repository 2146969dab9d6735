import { z } from 'zod';
import { defineRequest } from '../contract';
import { ClientInfo, PublicUser } from './auth-schemas';

/** Bounds on what Discord's redirect may carry; anything longer is garbage, refused before any lookup. */
const OAuthParam = z.string().max(512);

/**
 * `auth.login.complete`: the OAuth callback. Checks the state (single-use, unexpired, bound to this
 * browser), exchanges the code with the PKCE verifier, creates or updates the user, creates a session.
 */
export const AuthLoginComplete = defineRequest(
  'auth.login.complete',
  z
    .object({
      code: OAuthParam.optional(),
      state: OAuthParam.optional(),
      error: z.string().max(128).optional(),
      errorDescription: z.string().max(512).optional(),
      browserBinding: z.string().max(128).optional(),
      ...ClientInfo,
    })
    .strict(),
  z.object({
    token: z.string(),
    sessionId: z.uuid(),
    expiresAt: z.iso.datetime(),
    user: PublicUser,
    newUser: z.boolean(),
  }),
);
