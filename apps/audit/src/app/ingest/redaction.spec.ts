import { REDACTED, redactDetails } from './redaction';

describe('redactDetails', () => {
  it.each(['token', 'accessToken', 'refresh_token', 'secret', 'clientSecret', 'password', 'passwd', 'authorization', 'Authorization', 'cookie', 'set-cookie', 'apiKey', 'api_key', 'privateKey', 'masterKey', 'key_material', 'credentials', 'plaintext'])(
    'redacts values under %p',
    (key) => {
      expect(redactDetails({ [key]: 'value', other: 1 })).toEqual({ [key]: REDACTED, other: 1 });
    },
  );

  it('redacts at any depth, inside arrays too, and keeps everything else', () => {
    expect(redactDetails({ reason: 'code_rejected', nested: { a: [{ sessionToken: 's', ip: '1.2.3.4' }] }, keyVersion: 3 })).toEqual({
      reason: 'code_rejected',
      nested: { a: [{ sessionToken: REDACTED, ip: '1.2.3.4' }] },
      keyVersion: 3,
    });
  });

  it('keeps a rate-limit key, which names a client, not a secret', () => {
    expect(redactDetails({ key: 'ip:203.0.113.9', rule: 'login' })).toEqual({ key: 'ip:203.0.113.9', rule: 'login' });
  });

  it('redacts a whole object under a secret-looking key', () => {
    expect(redactDetails({ credentials: { user: 'u', pass: 'p' } })).toEqual({ credentials: REDACTED });
  });
});
