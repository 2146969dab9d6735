/** How a route is limited when Redis cannot be asked: refuse (login, admin) or let through (everything else). */
export type RouteClass = 'login' | 'admin' | 'api';

export interface RateLimitRule {
  name: 'login' | 'anonymous' | 'authenticated' | 'global-ip';
  limit: number;
  windowMs: number;
  algorithm: 'fixed' | 'sliding';
}

/** Parses `<limit>/<window> [fixed|sliding]`, e.g. `10/1m fixed`, `600/60s sliding`. */
export function parseRule(name: RateLimitRule['name'], text: string): RateLimitRule | null {
  const match = /^(\d{1,7})\/(\d{1,6})(ms|s|m|h)(?:\s+(fixed|sliding))?$/.exec(text.trim());
  if (!match) return null;
  const units: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };
  const limit = Number(match[1]);
  const windowMs = Number(match[2]) * units[match[3]!]!;
  if (limit < 1 || windowMs < 1_000) return null;
  return { name, limit, windowMs, algorithm: (match[4] as RateLimitRule['algorithm']) ?? 'fixed' };
}
