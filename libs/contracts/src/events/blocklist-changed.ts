import { z } from 'zod';
import { defineEvent } from '../contract';

/** Broadcast when an IP is blocked or unblocked: every gateway replica reloads its copy of the blocklist. */
export const BlocklistChanged = defineEvent('events.security.blocklist.changed', z.object({ ip: z.string(), blocked: z.boolean() }));
