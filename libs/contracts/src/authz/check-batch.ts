import { z } from 'zod';
import { defineRequest } from '../contract';
import { CheckDecision, CheckedPart } from './authz-schemas';

/** `authz.check.batch`: up to 100 checks for one user; results in the order asked. */
export const AuthzCheckBatch = defineRequest(
  'authz.check.batch',
  z
    .object({
      userId: z.uuid(),
      checks: z.array(z.object({ resource: CheckedPart, action: CheckedPart }).strict()).min(1).max(100),
    })
    .strict(),
  z.object({ results: z.array(CheckDecision) }),
);
