/** Where a consumed message came from: its Kafka coordinates. */
export interface MessageSource {
  topic: string;
  partition: number;
  /** Kafka offset (int64, as kafkajs gives it). */
  offset: string;
}

/** A consumed message as the transport hands it over with `keepBinary`: the value is the original bytes. */
export interface ConsumedMessage {
  key?: unknown;
  value: Buffer | null;
  headers?: Record<string, unknown>;
  offset: string;
}
