import { z } from 'zod';
import { envelopeSchema } from './envelope';
import { orderConfirmedV1, orderFailedV1, orderPlacedV1, userRegisteredV1 } from './payloads';

interface ContractSpec<Type extends string, Version extends number, Payload extends z.ZodType> {
  type: Type;
  version: Version;
  payload: Payload;
  /** Which payload field is the Kafka message key: it fixes ordering per entity. */
  key: string;
  partitions: number;
  producer: string;
  description: string;
}

function defineContract<Type extends string, Version extends number, Payload extends z.ZodType>(
  spec: ContractSpec<Type, Version, Payload>,
) {
  return { ...spec, topic: `${spec.type}.v${spec.version}` as const, schema: envelopeSchema(spec.type, spec.version, spec.payload) };
}

/**
 * Every Kafka event Box Office publishes, keyed by topic (`<domain>.<event>.v<N>`).
 * A compatible change keeps the topic; a breaking change adds a `.v<N+1>` entry and
 * producers publish both until every consumer has moved.
 */
export const contracts = {
  'login.user-registered.v1': defineContract({
    type: 'login.user-registered',
    version: 1,
    payload: userRegisteredV1,
    key: 'userId',
    partitions: 6,
    producer: 'login',
    description: 'A new account was created; notify sends a welcome message.',
  }),
  'checkout.order-placed.v1': defineContract({
    type: 'checkout.order-placed',
    version: 1,
    payload: orderPlacedV1,
    key: 'orderId',
    partitions: 3,
    producer: 'checkout',
    description: 'Seats were reserved and the order awaits payment.',
  }),
  'checkout.order-confirmed.v1': defineContract({
    type: 'checkout.order-confirmed',
    version: 1,
    payload: orderConfirmedV1,
    key: 'orderId',
    partitions: 6,
    producer: 'checkout',
    description: 'Payment succeeded and the seats are sold; notify sends the tickets.',
  }),
  'checkout.order-failed.v1': defineContract({
    type: 'checkout.order-failed',
    version: 1,
    payload: orderFailedV1,
    key: 'orderId',
    partitions: 6,
    producer: 'checkout',
    description: 'Payment failed and the seats were released; notify tells the buyer.',
  }),
} as const;

export type Contracts = typeof contracts;
export type Topic = keyof Contracts;
export type EventOf<T extends Topic> = z.infer<Contracts[T]['schema']>;
export type PayloadOf<T extends Topic> = EventOf<T>['payload'];

export const topics = Object.keys(contracts) as Topic[];

export function isTopic(value: string): value is Topic {
  return Object.prototype.hasOwnProperty.call(contracts, value);
}

/**
 * Dead letters keep the original bytes as the message value; why and where they came from
 * travels in these headers.
 */
export const deadLetter = {
  topic: 'notify.dead-letter.v1',
  partitions: 3,
  headers: {
    reason: 'x-dead-letter-reason',
    originalTopic: 'x-original-topic',
    originalPartition: 'x-original-partition',
    originalOffset: 'x-original-offset',
    attempts: 'x-attempts',
    failedAt: 'x-failed-at',
  },
} as const;

/** Every topic the platform must create, with partition counts (local stack, Strimzi). */
export const topicSpecs: ReadonlyArray<{ topic: string; partitions: number }> = [
  ...topics.map((topic) => ({ topic, partitions: contracts[topic].partitions })),
  { topic: deadLetter.topic, partitions: deadLetter.partitions },
];
