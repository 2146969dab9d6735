import { z } from 'zod';
import { defineRequest } from '../contract';
import { ClientInfo } from './auth-schemas';

/**
 * `auth.login.start`: begins a Discord login. Returns Discord's authorize URL (with a single-use state
 * and a PKCE S256 challenge) and the browser binding the gateway puts in a short-lived HttpOnly cookie.
 */
export const AuthLoginStart = defineRequest(
  'auth.login.start',
  z.object({ ...ClientInfo }).strict(),
  z.object({ authorizeUrl: z.url(), browserBinding: z.string(), expiresAt: z.iso.datetime() }),
);
