import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json';

export const GENESIS_HASH = Buffer.alloc(32);

/** What a row's hash covers: its place in the chain and everything recorded about the event. */
export interface ChainedEvent {
  seq: number;
  id: string;
  action: string;
  actorId: string | null;
  details: Record<string, unknown>;
  occurredAt: string;
  source: string;
  requestId: string | null;
  ip: string | null;
}

/** hash = SHA-256(previous hash ‖ canonical JSON of the event, sequence number included). */
export function chainHash(previousHash: Buffer, event: ChainedEvent): Buffer {
  return createHash('sha256').update(previousHash).update(canonicalJson(event), 'utf8').digest();
}
