import { z } from 'zod';
import { ActorId } from '../authz/authz-schemas';
import { defineRequest } from '../contract';
import { BlockedIpView } from './scan-schemas';

/** An IPv4 or IPv6 address as the gateway sees clients. */
export const IpAddress = z.union([z.ipv4(), z.ipv6()], { error: 'must be an IP address' });

/** `scheduler.blocks.list`: IPs currently blocked at the gateway (auto-ban), soonest expiry first. */
export const SchedulerBlocksList = defineRequest('scheduler.blocks.list', z.object({}).strict(), z.object({ items: z.array(BlockedIpView) }));

/** `scheduler.blocks.lift`: unblocks an IP at once on every gateway; unknown → NOT_FOUND. */
export const SchedulerBlocksLift = defineRequest(
  'scheduler.blocks.lift',
  z.object({ actorId: ActorId, ip: IpAddress }).strict(),
  z.object({ ip: z.string(), lifted: z.literal(true) }),
);
