import { z } from 'zod';

/** Parsers for environment strings. Messages say what is expected and never echo the value. */

export function integer(min: number, max: number): z.ZodType<number> {
  return z
    .string({ error: `must be a whole number from ${min} to ${max}` })
    .regex(/^\d+$/, { error: `must be a whole number from ${min} to ${max}` })
    .transform(Number)
    .refine((n) => n >= min && n <= max, { error: `must be a whole number from ${min} to ${max}` });
}

export const port = (): z.ZodType<number> => integer(1, 65535);

export function oneOf<const T extends readonly [string, ...string[]]>(values: T): z.ZodType<T[number]> {
  return z.enum(values, { error: `must be one of: ${values.join(', ')}` });
}

export function text(options: { pattern?: RegExp; patternHint?: string } = {}): z.ZodType<string> {
  const schema = z.string({ error: 'must be set' });
  return options.pattern ? schema.regex(options.pattern, { error: options.patternHint ?? 'has an invalid format' }) : schema;
}

export function optionalText(): z.ZodType<string | undefined> {
  return z.string().optional();
}

/** A URL whose scheme is one of `protocols` (e.g. ['nats:', 'tls:']). */
export function urlWith(protocols: string[]): z.ZodType<string> {
  const hint = `must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}`;
  return z.string({ error: hint }).refine(
    (value) => {
      try {
        return protocols.includes(new URL(value).protocol);
      } catch {
        return false;
      }
    },
    { error: hint },
  );
}

/** A comma-separated list of URLs (NATS accepts several seed servers). */
export function urlList(protocols: string[]): z.ZodType<string[]> {
  const single = urlWith(protocols);
  const hint = `must be a comma-separated list of URLs starting with ${protocols.map((p) => `${p}//`).join(' or ')}`;
  return z
    .string({ error: hint })
    .transform((value) => value.split(',').map((s) => s.trim()).filter(Boolean))
    .refine((list) => list.length > 0 && list.every((u) => single.safeParse(u).success), { error: hint });
}

/** A comma-separated list of items each matching `pattern`; empty means none. */
export function csv(pattern: RegExp, hint: string): z.ZodType<string[]> {
  return z
    .string()
    .optional()
    .transform((value) => (value ?? '').split(',').map((s) => s.trim()).filter(Boolean))
    .refine((list) => list.every((item) => pattern.test(item)), { error: hint });
}

/** Base64 of exactly `bytes` bytes; yields the decoded Buffer. Optional: unset yields undefined. */
export function base64Key(bytes: number): z.ZodType<Buffer | undefined> {
  const hint = `must be base64 of exactly ${bytes} bytes (generate one with: openssl rand -base64 ${bytes})`;
  return z
    .string()
    .optional()
    .refine((value) => value === undefined || (/^[A-Za-z0-9+/]+={0,2}$/.test(value) && Buffer.from(value, 'base64').length === bytes), {
      error: hint,
    })
    .transform((value) => (value === undefined ? undefined : Buffer.from(value, 'base64')));
}

/** A duration such as `7d`, `12h`, `30m`, `45s` or plain seconds; yields seconds. */
export function durationSeconds(minSeconds: number, maxSeconds: number): z.ZodType<number> {
  const hint = `must be a duration like 30s, 15m, 12h or 7d, between ${minSeconds}s and ${maxSeconds}s`;
  const units: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };
  return z
    .string({ error: hint })
    .regex(/^\d+[smhd]?$/, { error: hint })
    .transform((value) => {
      const unit = /[smhd]$/.test(value) ? value.slice(-1) : 's';
      return Number.parseInt(value, 10) * (units[unit] ?? 1);
    })
    .refine((seconds) => seconds >= minSeconds && seconds <= maxSeconds, { error: hint });
}
