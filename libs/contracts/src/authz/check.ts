import { z } from 'zod';
import { defineRequest } from '../contract';
import { CheckDecision, CheckedPart } from './authz-schemas';

/**
 * `authz.check`: may this user do ACTION on RESOURCE? True when any of the user's roles holds that
 * permission (exactly, or through a `*` grant); false for an unknown user. `matchedRole` says which role
 * granted it. Any error or no answer must be treated as deny by the caller.
 */
export const AuthzCheck = defineRequest(
  'authz.check',
  z.object({ userId: z.uuid(), resource: CheckedPart, action: CheckedPart }).strict(),
  CheckDecision,
);
