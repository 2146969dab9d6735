import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { SERVICE_NODE_FLAGS } from '@warden/config';

const ROOT = join(__dirname, '../..');
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Service = Record<string, any>;

/** docker-compose.yml, parsed the way Compose reads it (YAML merge keys resolved). */
const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as { services: Record<string, Service>; volumes: Record<string, unknown> };
const WARDEN = ['gateway', 'auth', 'authz', 'crypto', 'audit', 'scheduler'];

describe('docker-compose.yml', () => {
  const services = compose.services;

  it('runs the dependencies, a migrations step, the six services and the opt-in Discord stand-in', () => {
    expect(Object.keys(services).sort()).toEqual(['audit', 'auth', 'authz', 'crypto', 'discord-stand-in', 'gateway', 'migrations', 'nats', 'nats-local', 'postgres', 'redis', 'scheduler'].sort());
    expect(services['discord-stand-in']!['profiles']).toEqual(['dev']);
    // An open NATS only for `npm start` on the host, never next to the full system by default.
    expect(services['nats-local']!['profiles']).toEqual(['local-deps']);
    expect(services['nats']!['ports']).toBeUndefined();
    for (const name of Object.keys(services)) if (!['discord-stand-in', 'nats-local'].includes(name)) expect(services[name]!['profiles']).toBeUndefined();
  });

  it('gives every long-running service a health check, and starts each only when what it needs is ready', () => {
    for (const [name, service] of Object.entries(services)) {
      if (name === 'migrations') continue;
      expect({ name, test: service['healthcheck']?.test }).toEqual({ name, test: expect.arrayContaining([expect.any(String)]) });
    }
    for (const name of WARDEN.filter((s) => s !== 'gateway')) {
      expect(services[name]!['depends_on']).toEqual({
        migrations: { condition: 'service_completed_successfully' },
        nats: { condition: 'service_healthy' },
        redis: { condition: 'service_healthy' },
      });
    }
    expect(services['gateway']!['depends_on']).toEqual(Object.fromEntries(WARDEN.filter((s) => s !== 'gateway').map((s) => [s, { condition: 'service_healthy' }])));
    expect(services['migrations']!['depends_on']).toEqual({ postgres: { condition: 'service_healthy' } });
  });

  it('keeps Redis from evicting (BullMQ) and NATS persistent, with per-service NATS users', () => {
    expect(services['redis']!['command']).toEqual(expect.arrayContaining(['--maxmemory-policy', 'noeviction']));
    expect(services['nats']!['command']).toEqual(expect.arrayContaining(['-js', '-sd', '/data', '-c', '/etc/nats/warden-auth.conf']));
    expect(services['nats']!['volumes']).toEqual(expect.arrayContaining(['nats-data:/data']));
    for (const name of WARDEN) expect(services[name]!['environment']['NATS_USER']).toBe(name);
  });

  it('configures the services through environment variables only, hardened, the gateway on port 3000', () => {
    for (const name of [...WARDEN, 'migrations', 'discord-stand-in']) {
      const service = services[name]!;
      expect(service['env_file']).toBeUndefined();
      expect(service['environment']).toEqual(expect.any(Object));
      expect(service).toMatchObject({ read_only: true, user: '10001:10001', cap_drop: ['ALL'], tmpfs: ['/tmp'] });
    }
    expect(services['gateway']!['ports']).toEqual(['127.0.0.1:3000:3000']);
    expect(services['gateway']!['environment']['GATEWAY_PORT']).toBe('3000');
  });
});

describe('Dockerfile', () => {
  const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
  const ignored = readFileSync(join(ROOT, '.dockerignore'), 'utf8').split('\n');

  it('builds per service from production dependencies and built output, as a numeric non-root user', () => {
    expect(dockerfile).toMatch(/npm ci --omit=dev/);
    expect(dockerfile).toMatch(/^USER 10001:10001$/m);
    expect(dockerfile).toMatch(/^FROM runtime-base AS service$/m);
    expect(dockerfile).toMatch(/COPY --from=build --chown=0:0 \/src\/dist\/apps\/\$\{APP\} \.\/dist/);
    expect(dockerfile).toMatch(/^ENTRYPOINT \["node", "dist\/main\.js"\]$/m);
    expect(dockerfile).toMatch(/^EXPOSE 3000 3101 3102 3103 3104 3105$/m);
    expect(dockerfile).not.toMatch(/:latest/);
  });

  it('runs Node with the same flags as `npm start`, the tests and the benchmarks', () => {
    expect(dockerfile).toContain(`NODE_OPTIONS="${SERVICE_NODE_FLAGS.join(' ')}"`);
  });

  it('keeps dependencies, builds, secrets and history out of the build context', () => {
    expect(ignored).toEqual(expect.arrayContaining(['node_modules', 'dist', '.git', '.env']));
  });
});
