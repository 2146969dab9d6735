import { z } from 'zod';
import { defineRequest } from '../contract';
import { BackendService } from '../services';

const ServiceHealthRequest = z.object({}).strict();

const DependencyStatus = z.enum(['up', 'down']);

const ServiceHealthReply = z.object({
  service: z.string(),
  status: z.enum(['ok', 'degraded']),
  version: z.string(),
  uptimeSeconds: z.number(),
  dependencies: z.record(z.string(), DependencyStatus),
});
export type ServiceHealthReply = z.infer<typeof ServiceHealthReply>;

function healthContract(service: BackendService) {
  return defineRequest(`${service}.health`, ServiceHealthRequest, ServiceHealthReply);
}

/** `<service>.health`: every backend service answers it; the gateway's /readyz asks all five. */
export const ServiceHealth = {
  auth: healthContract('auth'),
  authz: healthContract('authz'),
  crypto: healthContract('crypto'),
  audit: healthContract('audit'),
  scheduler: healthContract('scheduler'),
} as const satisfies Record<BackendService, unknown>;
