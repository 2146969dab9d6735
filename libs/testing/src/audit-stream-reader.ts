import { AckPolicy, connect, DeliverPolicy, StringCodec } from 'nats';

const codec = StringCodec();

export interface StreamedAuditEvent {
  id: string;
  action: string;
  actorId: string | null;
  details: Record<string, unknown>;
  source: string;
  requestId: string | null;
  ip: string | null;
  occurredAt: string;
}

/** Every event currently in a run's audit stream (read with an ephemeral consumer; nothing is acknowledged). */
export async function readAuditStream(natsUrl: string, stream: string): Promise<StreamedAuditEvent[]> {
  const nats = await connect({ servers: natsUrl });
  try {
    const jsm = await nats.jetstreamManager();
    const info = await jsm.streams.info(stream).catch(() => null);
    if (!info || info.state.messages === 0) return [];
    const consumer = await jsm.consumers.add(stream, { ack_policy: AckPolicy.None, deliver_policy: DeliverPolicy.All });
    try {
      const messages = await nats.jetstream().consumers.get(stream, consumer.name);
      const events: StreamedAuditEvent[] = [];
      while (events.length < info.state.messages) {
        const batch = await messages.fetch({ max_messages: Math.min(1_000, info.state.messages - events.length), expires: 2_000 });
        let got = 0;
        for await (const message of batch) {
          events.push(JSON.parse(codec.decode(message.data)) as StreamedAuditEvent);
          got += 1;
        }
        if (got === 0) break;
      }
      return events;
    } finally {
      await jsm.consumers.delete(stream, consumer.name).catch(() => undefined);
    }
  } finally {
    await nats.close();
  }
}
