import { Injectable } from '@nestjs/common';
import { deadLetter } from '@boxoffice/contracts';
import { EventPublisher } from '@boxoffice/kafka';
import { ConsumedMessage, MessageSource } from '../inbox/message-source';
import { asKafkaBytes, deadLetterHeaders, Failure } from './dead-letter-headers';

/**
 * Sends a message notify could not handle to the dead-letter topic: the original key and bytes,
 * the reason in headers. Resolves only once the broker acknowledged it (acks=all), so the offset
 * of the original is committed only after its dead letter is safe.
 */
@Injectable()
export class DeadLetterPublisher {
  constructor(private readonly publisher: EventPublisher) {}

  async send(message: ConsumedMessage, source: MessageSource, failure: Failure): Promise<void> {
    await this.publisher.producer.send({
      topic: deadLetter.topic,
      acks: -1,
      messages: [{ key: asKafkaBytes(message.key), value: message.value, headers: deadLetterHeaders(message.headers, source, failure) }],
    });
  }
}
