import { countByCheck, evaluateScan, ScanEvidence, ScanThresholds } from './scan-rules';

const thresholds: ScanThresholds = {
  failedLoginsPerIp: 10,
  failedLoginsPerAccount: 5,
  stuffingAccountsPerIp: 3,
  permissionDenialsPerUser: 20,
  decryptFailuresPerActor: 10,
  rateLimitViolationsPerKey: 5,
};
const empty: ScanEvidence = {
  failedLoginsByIp: [],
  failedLoginsByAccount: [],
  accountsFailingByIp: [],
  permissionDenialsByUser: [],
  decryptFailuresByActor: [],
  rateLimitViolationsByKey: [],
};

describe('evaluateScan', () => {
  it('finds nothing in a quiet window', () => {
    expect(evaluateScan(empty, thresholds)).toEqual([]);
    expect(countByCheck([])).toEqual({ login_attempts: 0, failed_operations: 0, rate_limit_violations: 0 });
  });

  it('reports an IP at its threshold (medium) and at three times it (high), never below or without an address', () => {
    const findings = evaluateScan(
      { ...empty, failedLoginsByIp: [{ key: '203.0.113.9', count: 30 }, { key: '198.51.100.7', count: 10 }, { key: '192.0.2.1', count: 9 }, { key: null, count: 99 }] },
      thresholds,
    );
    expect(findings).toEqual([
      { check: 'login_attempts', rule: 'failed_logins_per_ip', subjectType: 'ip', subject: '203.0.113.9', ip: '203.0.113.9', severity: 'high', evidence: { count: 30, threshold: 10 } },
      { check: 'login_attempts', rule: 'failed_logins_per_ip', subjectType: 'ip', subject: '198.51.100.7', ip: '198.51.100.7', severity: 'medium', evidence: { count: 10, threshold: 10 } },
    ]);
  });

  it('reports credential stuffing: one IP failing against enough distinct accounts, always high', () => {
    const findings = evaluateScan(
      {
        ...empty,
        accountsFailingByIp: [
          { key: '203.0.113.9', count: 4, distinct: 3 },
          { key: '198.51.100.7', count: 14, distinct: 2 },
          { key: null, count: 50, distinct: 9 },
        ],
      },
      thresholds,
    );
    expect(findings).toEqual([
      { check: 'login_attempts', rule: 'credential_stuffing', subjectType: 'ip', subject: '203.0.113.9', ip: '203.0.113.9', severity: 'high', evidence: { count: 4, threshold: 3, distinctAccounts: 3 } },
    ]);
  });

  it('reports accounts, users, actors and rate-limit keys; an ip: key names its address, an IPv6 network none', () => {
    const findings = evaluateScan(
      {
        ...empty,
        failedLoginsByAccount: [{ key: 'acct-1', count: 5 }],
        permissionDenialsByUser: [{ key: 'user-1', count: 60 }],
        decryptFailuresByActor: [{ key: 'svc', count: 10 }],
        rateLimitViolationsByKey: [
          { key: 'ip:192.0.2.44', count: 5 },
          { key: 'user:u-9', count: 15 },
          { key: 'ip:::ffff:192.0.2.45', count: 15 },
          { key: 'ip:2001:db8:1:2::/64', count: 15 },
        ],
      },
      thresholds,
    );
    expect(findings.map((f) => [f.rule, f.subject, f.ip, f.severity])).toEqual([
      ['failed_logins_per_account', 'acct-1', null, 'medium'],
      ['permission_denials_per_user', 'user-1', null, 'high'],
      ['decrypt_failures_per_actor', 'svc', null, 'medium'],
      ['rate_limit_violations_per_key', 'ip:192.0.2.44', '192.0.2.44', 'medium'],
      ['rate_limit_violations_per_key', 'user:u-9', null, 'high'],
      ['rate_limit_violations_per_key', 'ip:::ffff:192.0.2.45', '::ffff:192.0.2.45', 'high'],
      // Reported, but not an address the blocklist can hold: no auto-ban.
      ['rate_limit_violations_per_key', 'ip:2001:db8:1:2::/64', null, 'high'],
    ]);
    expect(countByCheck(findings)).toEqual({ login_attempts: 1, failed_operations: 2, rate_limit_violations: 4 });
  });
});
