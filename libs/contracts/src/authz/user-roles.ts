import { z } from 'zod';
import { defineRequest } from '../contract';

/** `authz.users.roles`: the names of the roles assigned to a user (empty for an unknown user). */
export const AuthzUserRoles = defineRequest(
  'authz.users.roles',
  z.object({ userId: z.uuid() }).strict(),
  z.object({ roles: z.array(z.string()) }),
);
