import { z } from 'zod';
import { defineEvent, defineRequest } from '../contract';
import { ActorId } from '../authz/authz-schemas';
import { KeyVersionView } from './crypto-schemas';

/** `crypto.keys.list`: versions and status, never key material. */
export const CryptoKeysList = defineRequest('crypto.keys.list', z.object({}).strict(), z.object({ keys: z.array(KeyVersionView) }));

/**
 * `crypto.keys.rotate`: a new active version; the previous ones retire (decrypt-only). With
 * `expectedActiveVersion`, rotates only if that version is still the active one — so a retried scheduler
 * job, or two replicas rotating for the same period, rotate once.
 */
export const CryptoKeysRotate = defineRequest(
  'crypto.keys.rotate',
  z.object({ actorId: ActorId, expectedActiveVersion: z.number().int().positive().optional(), reason: z.string().max(200).default('manual') }).strict(),
  z.object({ rotated: z.boolean(), activeVersion: z.number().int(), previousVersion: z.number().int().nullable() }),
);

/** `crypto.keys.destroy`: explicit and audited; only a retired version; its ciphertexts then fail with KEY_DESTROYED. */
export const CryptoKeysDestroy = defineRequest(
  'crypto.keys.destroy',
  z.object({ actorId: ActorId, version: z.number().int().positive() }).strict(),
  KeyVersionView,
);

/** `crypto.usage.report`: an owning service reports how many of its ciphertexts each key version protects. */
export const CryptoUsageReport = defineRequest(
  'crypto.usage.report',
  z.object({ service: z.string().min(1).max(32), counts: z.record(z.string().regex(/^\d+$/), z.number().int().min(0)) }).strict(),
  z.object({ accepted: z.literal(true) }),
);

/** Broadcast after a rotation or destruction: every replica reloads its key ring; owners start a rewrap pass. */
export const CryptoRotated = defineEvent('events.crypto.rotated', z.object({ activeVersion: z.number().int(), destroyedVersion: z.number().int().optional() }));

/** `crypto.keys.active`: just the active version number, for owners deciding what to rewrap. */
export const CryptoActiveVersion = defineRequest('crypto.keys.active', z.object({}).strict(), z.object({ activeVersion: z.number().int() }));
