/** The NATS-facing services behind the gateway. */
export const BACKEND_SERVICES = ['auth', 'authz', 'crypto', 'audit', 'scheduler'] as const;
export type BackendService = (typeof BACKEND_SERVICES)[number];

export const SERVICES = ['gateway', ...BACKEND_SERVICES] as const;
export type ServiceName = (typeof SERVICES)[number];

/** NATS queue group of a service: replicas of one service share its requests. */
export function queueGroupOf(service: ServiceName): string {
  return `warden.${service}`;
}
