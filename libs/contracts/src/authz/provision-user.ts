import { z } from 'zod';
import { defineRequest } from '../contract';

/**
 * `authz.users.provision`: the hand-over from auth at a user's first login: assign these roles
 * (`user`, plus `admin` for a bootstrap admin). Idempotent: assigning a role twice changes nothing.
 */
export const AuthzProvisionUser = defineRequest(
  'authz.users.provision',
  z
    .object({
      userId: z.uuid(),
      roles: z.array(z.enum(['admin', 'user'])).min(1),
      reason: z.enum(['first_login', 'bootstrap_admin']),
    })
    .strict(),
  z.object({ roles: z.array(z.string()) }),
);
