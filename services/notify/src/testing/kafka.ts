import { randomUUID } from 'node:crypto';
import { Admin, AssignerProtocol, Consumer, IHeaders, Kafka, KafkaMessage, logLevel, Producer } from 'kafkajs';
import { deadLetter, EventOf, keyOf, Topic } from '@boxoffice/contracts';
import { StackEnv } from '@boxoffice/testing';
import { commitGroupOffsets } from '../dead-letters/group-offsets';
import { consumedTopics } from '../notifications/notification-draft';

export function testKafka(stack: StackEnv, clientId: string): Kafka {
  return new Kafka({ clientId, brokers: stack.kafkaBrokers, logLevel: logLevel.NOTHING, retry: { retries: 3, initialRetryTime: 100 } });
}

export function uniqueGroup(label: string): string {
  return `notify-${label}-${randomUUID().slice(0, 8)}`;
}

/**
 * The topics are shared with everyone's tests: a new group commits the current end of each
 * partition before it starts, so it handles only what is produced from now on.
 */
export async function startGroupAtEnd(kafka: Kafka, admin: Admin, groupId: string, topics: readonly string[] = consumedTopics): Promise<void> {
  const ends = await Promise.all(
    topics.map(async (topic) => ({ topic, partitions: (await admin.fetchTopicOffsets(topic)).map((p) => ({ partition: p.partition, offset: p.high })) })),
  );
  await commitGroupOffsets(kafka, groupId, ends);
}

/** Produces contract events with their contract key (acks=all). */
export async function publish<T extends Topic>(producer: Producer, topic: T, events: Array<EventOf<T>>, headers: IHeaders = {}): Promise<void> {
  await producer.send({
    topic,
    acks: -1,
    messages: events.map((event) => ({ key: keyOf(topic, event), value: JSON.stringify(event), headers: { 'event-id': event.eventId, ...headers } })),
  });
}

export interface GroupMemberView {
  clientId: string;
  memberId: string;
  assignment: Record<string, number[]>;
}

/** The group as the broker sees it: state and each member's partitions. */
export async function describeGroup(admin: Admin, groupId: string): Promise<{ state: string; members: GroupMemberView[] }> {
  const { groups } = await admin.describeGroups([groupId]);
  const group = groups[0];
  return {
    state: group.state,
    members: group.members
      .map((m) => ({
        clientId: m.clientId,
        memberId: m.memberId,
        assignment: m.memberAssignment.length ? (AssignerProtocol.MemberAssignment.decode(m.memberAssignment)?.assignment ?? {}) : {},
      }))
      .sort((a, b) => a.clientId.localeCompare(b.clientId)),
  };
}

export function partitionCount(assignment: Record<string, number[]>): number {
  return Object.values(assignment).reduce((n, partitions) => n + partitions.length, 0);
}

/** Collects what lands on the dead-letter topic from now on (its own group, started at the end). */
export class DeadLetterWatch {
  readonly messages: Array<{ partition: number; message: KafkaMessage }> = [];
  private consumer?: Consumer;

  constructor(private readonly kafka: Kafka) {}

  async start(admin: Admin): Promise<this> {
    const groupId = uniqueGroup('dlq-watch');
    await startGroupAtEnd(this.kafka, admin, groupId, [deadLetter.topic]);
    this.consumer = this.kafka.consumer({ groupId, allowAutoTopicCreation: false, sessionTimeout: 6_000, heartbeatInterval: 500, maxWaitTimeInMs: 200 });
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: deadLetter.topic });
    await this.consumer.run({ eachMessage: async ({ partition, message }) => void this.messages.push({ partition, message }) });
    return this;
  }

  /** Dead letters whose header `name` equals `value`. */
  find(name: string, value: string) {
    return this.messages.filter(({ message }) => message.headers?.[name]?.toString() === value);
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
  }
}

export function header(message: KafkaMessage, name: string): string | undefined {
  return message.headers?.[name]?.toString();
}
