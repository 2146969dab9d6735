import pino from 'pino';
import { Writable } from 'node:stream';
import { REDACTED_LOG_PATHS, REDACTION_CENSOR } from './redaction';

/** One line as our loggers write it (same redaction settings), parsed back. */
function logged(fields: Record<string, unknown>): Record<string, unknown> {
  const lines: string[] = [];
  const sink = new Writable({ write: (chunk: Buffer, _encoding, callback) => (lines.push(chunk.toString()), callback()) });
  pino({ redact: { paths: [...REDACTED_LOG_PATHS], censor: REDACTION_CENSOR } }, sink).info(fields, 'line');
  return JSON.parse(lines[0]!) as Record<string, unknown>;
}

describe('log redaction', () => {
  it('censors credentials at the depths our log lines put them, and keeps the rest', () => {
    const line = logged({
      token: 'tok-1',
      authorization: 'Bearer tok-2',
      cookie: '__Host-session=tok-3',
      browserBinding: 'tok-4',
      req: { headers: { authorization: 'Bearer tok-5', cookie: 'session=tok-6' } },
      upstream: { clientSecret: 'tok-7', call: { code: 'tok-8', state: 'tok-9' } },
      sessionId: '9b2e7d1a-0c3f-4e5d-8a6b-7c8d9e0f1a2b',
      route: 'GET /auth/me',
    });
    expect(JSON.stringify(line)).not.toMatch(/tok-\d/);
    expect(line).toMatchObject({ token: REDACTION_CENSOR, authorization: REDACTION_CENSOR, sessionId: '9b2e7d1a-0c3f-4e5d-8a6b-7c8d9e0f1a2b', route: 'GET /auth/me' });
  });
});
