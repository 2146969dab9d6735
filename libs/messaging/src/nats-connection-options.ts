import { readFileSync } from 'node:fs';
import { ConnectionOptions, credsAuthenticator, nkeyAuthenticator } from 'nats';

export interface NatsSettings {
  NATS_URL: string[];
  NATS_USER?: string;
  NATS_PASSWORD?: string;
  NATS_CREDS?: string;
  NATS_TLS_CA?: string;
}

/** The subject root of a service's reply inboxes (`_INBOX.<service>`), which NATS permissions scope. */
export function inboxPrefixFor(service: string): string {
  return `_INBOX.${service}`;
}

/**
 * Connection options shared by every Warden NATS connection: reconnect forever (a restarted NATS must
 * never need a service restart), credentials when configured, TLS for tls:// URLs, and replies on the
 * service's own inbox subjects (`_INBOX.<service>.…`), so NATS permissions can keep one service from
 * reading the replies meant for another (deploy/nats).
 */
export function natsConnectionOptions(settings: NatsSettings, connectionName: string, service: string): ConnectionOptions {
  const options: ConnectionOptions = {
    servers: settings.NATS_URL,
    name: connectionName,
    inboxPrefix: inboxPrefixFor(service),
    maxReconnectAttempts: -1,
    reconnectTimeWait: 500,
    reconnectJitter: 250,
    pingInterval: 10_000,
    maxPingOut: 2,
    waitOnFirstConnect: true,
    // nats.js otherwise captures a stack trace (new Error()) on every request, in case it times out:
    // measurable on a hot path, and our errors carry the subject instead.
    noAsyncTraces: true,
  };
  if (settings.NATS_USER) {
    options.user = settings.NATS_USER;
    options.pass = settings.NATS_PASSWORD ?? '';
  }
  if (settings.NATS_CREDS) {
    const content = readFileSync(settings.NATS_CREDS);
    // A .creds file holds a user JWT and its seed; a bare seed file is an NKEY.
    options.authenticator = content.includes('BEGIN NATS USER JWT')
      ? credsAuthenticator(new Uint8Array(content))
      : nkeyAuthenticator(new TextEncoder().encode(content.toString('utf8').trim()));
  }
  if (settings.NATS_URL.some((url) => url.startsWith('tls://'))) {
    options.tls = settings.NATS_TLS_CA ? { caFile: settings.NATS_TLS_CA } : {};
  }
  return options;
}
