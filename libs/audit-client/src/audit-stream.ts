import { AUDIT_SUBJECT_ROOT } from '@warden/contracts';
import { JetStreamManager, nanos, RetentionPolicy, StorageType, StreamConfig } from 'nats';

/** The stream's configuration: file storage, a generous de-duplication window, a month of retention. */
export function auditStreamConfig(name: string, subjectPrefix: string): Partial<StreamConfig> {
  return {
    name,
    subjects: [`${subjectPrefix}${AUDIT_SUBJECT_ROOT}.>`],
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    max_age: nanos(30 * 24 * 3600 * 1000),
    // Publishes retried with the same Nats-Msg-Id within this window are stored once.
    duplicate_window: nanos(10 * 60 * 1000),
    num_replicas: 1,
  };
}

/** Creates the stream if it does not exist; tolerant of another process creating it at the same time. */
export async function ensureAuditStream(jsm: JetStreamManager, name: string, subjectPrefix: string): Promise<void> {
  try {
    await jsm.streams.info(name);
    return;
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
  try {
    await jsm.streams.add(auditStreamConfig(name, subjectPrefix));
  } catch (error) {
    // Lost a creation race: fine as long as it exists now.
    await jsm.streams.info(name).catch(() => {
      throw error;
    });
  }
}

function isNotFound(error: unknown): boolean {
  const apiError = (error as { api_error?: { code?: number } }).api_error;
  return apiError?.code === 404 || /not found/i.test((error as Error).message ?? '');
}
