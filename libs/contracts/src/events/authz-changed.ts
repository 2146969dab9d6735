import { z } from 'zod';
import { defineEvent } from '../contract';

/**
 * Broadcast after every change to roles, permissions or assignments: each authz replica (and anyone
 * caching roles) drops what it cached — for the listed users, or everything when `allUsers` is true.
 */
export const AuthzChanged = defineEvent(
  'events.authz.changed',
  z.object({ userIds: z.array(z.uuid()).default([]), allUsers: z.boolean().default(false) }),
);
