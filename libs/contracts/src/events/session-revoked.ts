import { z } from 'zod';
import { defineEvent } from '../contract';

/** Broadcast when sessions are revoked: every gateway replica drops them from its validation cache. */
export const SessionRevoked = defineEvent(
  'events.session.revoked',
  z.object({ userId: z.uuid(), sessionIds: z.array(z.uuid()).min(1) }),
);
