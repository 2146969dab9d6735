import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type K8sObject = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string> }; spec?: any; data?: Record<string, string> };

const K8S = join(__dirname, '../k8s');
const SERVICES = ['gateway', 'auth', 'authz', 'crypto', 'audit', 'scheduler'];
/** Drain time of a service (SHUTDOWN_TIMEOUT_MS in warden-common) — the grace period must exceed it. */
const DRAIN_SECONDS = 30;

function render(dir: string): K8sObject[] {
  const text = execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf8' });
  return parseAllDocuments(text).map((doc) => doc.toJS() as K8sObject);
}

/** The kubernetes-models class for an object's apiVersion and kind (Kubernetes 1.27 schemas, offline). */
function modelOf(object: K8sObject): new (data: unknown) => { validate(): void } {
  const group = object.apiVersion.includes('/') ? object.apiVersion : `v1`;
  const path = group === 'v1' ? `kubernetes-models/v1/${object.kind}` : `kubernetes-models/${group}/${object.kind}`;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require(path) as Record<string, new (data: unknown) => { validate(): void }>)[object.kind]!;
}

describe.each(['base', 'overlays/dev', 'overlays/prod'])('kustomize %s', (dir) => {
  const objects = render(join(K8S, dir));
  const byKind = (kind: string) => objects.filter((o) => o.kind === kind);
  const deployments = byKind('Deployment');

  it('renders and every object validates against the Kubernetes schemas', () => {
    expect(objects.length).toBeGreaterThan(20);
    for (const object of objects) expect(() => new (modelOf(object))(object).validate()).not.toThrow();
  });

  it('has one Deployment, PodDisruptionBudget and ConfigMap per service, and no Secret values', () => {
    expect(deployments.map((d) => d.metadata.name).sort()).toEqual(SERVICES.map((s) => `warden-${s}`).sort());
    for (const deployment of deployments) {
      const pdb = byKind('PodDisruptionBudget').find((p) => p.metadata.name === deployment.metadata.name);
      expect(pdb?.spec.selector.matchLabels).toEqual(deployment.spec.selector.matchLabels);
      expect(byKind('ConfigMap').some((c) => c.metadata.name === deployment.metadata.name)).toBe(true);
    }
    expect(byKind('Secret')).toEqual([]);
  });

  it.each(SERVICES)('runs warden-%s hardened: probes, resources, non-root read-only, no token, spread, drained', (service) => {
    const deployment = deployments.find((d) => d.metadata.name === `warden-${service}`)!;
    const pod = deployment.spec.template.spec;
    if (dir !== 'overlays/dev') expect(deployment.spec.replicas).toBeGreaterThanOrEqual(2);
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(pod.securityContext.runAsUser).toBeGreaterThan(0);
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(DRAIN_SECONDS);
    expect(pod.topologySpreadConstraints.map((c: { topologyKey: string }) => c.topologyKey)).toContain('kubernetes.io/hostname');
    for (const container of [...(pod.initContainers ?? []), ...pod.containers]) {
      expect(container.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
      expect(container.resources.requests).toEqual({ cpu: expect.anything(), memory: expect.anything() });
      expect(container.resources.limits).toEqual({ cpu: expect.anything(), memory: expect.anything() });
      // Pinned: a version tag or a digest, never latest or none.
      expect(container.image).toMatch(/^[\w./-]+(:[\w.-]+|@sha256:[0-9a-f]{64})$/);
      expect(container.image).not.toMatch(/:latest$/);
      for (const variable of container.env ?? []) {
        if (/SECRET|PASSWORD|KEY|DATABASE_URL/.test(variable.name)) {
          expect(variable.value).toBeUndefined();
          expect(variable.valueFrom?.secretKeyRef).toEqual({ name: expect.any(String), key: expect.any(String) });
        }
      }
    }
    const [main] = pod.containers;
    // Started only once dependencies answer; the gateway's readiness is its own, not its dependencies'.
    expect(main.startupProbe.httpGet.path).toBe('/readyz');
    expect(main.readinessProbe.httpGet.path).toBe(service === 'gateway' ? '/healthz' : '/readyz');
    expect(main.livenessProbe.httpGet.path).toBe('/healthz');
    expect(main.ports.map((p: { name: string }) => p.name)).toContain(main.readinessProbe.httpGet.port);
    // Services owning a schema migrate before they serve.
    if (service !== 'gateway') expect(pod.initContainers.map((c: { args: string[] }) => c.args)).toEqual([['migrate']]);
  });

  it('trusts no X-Forwarded-For hop unless an overlay names the ingress controller\'s range', () => {
    const trusted = byKind('ConfigMap').find((c) => c.metadata.name === 'warden-gateway')!.data!['TRUSTED_PROXIES'];
    if (dir === 'overlays/prod') expect(trusted).toBe('10.244.0.0/16');
    else expect(trusted).toBe('');
  });

  it('keeps configuration free of secrets: no ConfigMap key looks like one', () => {
    for (const map of byKind('ConfigMap')) for (const key of Object.keys(map.data ?? {})) expect(key).not.toMatch(/SECRET|PASSWORD|MASTER_KEY|CHECKPOINT_KEY|DATABASE_URL/);
  });

  it('scales the gateway and authz, exposes only the gateway, and denies all traffic not allowed', () => {
    expect(byKind('HorizontalPodAutoscaler').map((h) => h.spec.scaleTargetRef.name).sort()).toEqual(['warden-authz', 'warden-gateway']);
    const ingresses = byKind('Ingress');
    expect(ingresses).toHaveLength(1);
    const paths = ingresses[0]!.spec.rules[0].http.paths as Array<{ path: string; backend: { service: { name: string } } }>;
    expect(new Set(paths.map((p) => p.backend.service.name))).toEqual(new Set(['warden-gateway']));
    // The public API only: probes, metrics and the OpenAPI document stay inside the cluster.
    expect(paths.map((p) => p.path).sort()).toEqual(['/audit', '/auth', '/authz', '/crypto', '/security']);
    expect(byKind('Service').map((s) => s.metadata.name)).toEqual(['warden-gateway']);
    const policies = byKind('NetworkPolicy');
    expect(policies.find((p) => p.metadata.name === 'warden-default-deny')?.spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    // Only the gateway's policy admits peers from anywhere; the backends' admits only this namespace's pods.
    const open = policies.filter((p) => p.spec.ingress?.some((rule: { from?: unknown[] }) => !rule.from));
    expect(open.map((p) => p.spec.podSelector.matchLabels)).toEqual([{ 'app.kubernetes.io/name': 'warden-gateway' }]);
    const egressPorts = policies.flatMap((p) => (p.spec.egress ?? []).flatMap((rule: { ports: Array<{ port: number }> }) => rule.ports.map((port) => port.port)));
    expect(new Set(egressPorts)).toEqual(new Set([53, 4222, 5432, 6379, 443]));
    const https = policies.find((p) => p.spec.egress?.some((rule: { ports: Array<{ port: number }> }) => rule.ports.some((port) => port.port === 443)));
    expect(https?.spec.podSelector.matchLabels).toEqual({ 'app.kubernetes.io/name': 'warden-auth' });
  });

  if (dir === 'overlays/prod') {
    it('serves TLS and runs at least three replicas of the request path', () => {
      expect(byKind('Ingress')[0]!.spec.tls).toEqual([{ hosts: ['warden.example.com'], secretName: 'warden-tls' }]);
      for (const name of ['warden-gateway', 'warden-auth', 'warden-authz', 'warden-crypto']) expect(deployments.find((d) => d.metadata.name === name)!.spec.replicas).toBe(3);
      expect(objects.every((o) => o.kind === 'Namespace' || o.metadata.namespace === 'warden')).toBe(true);
    });
  }
});
