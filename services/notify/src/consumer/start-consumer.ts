import { INestApplication } from '@nestjs/common';
import { KafkaUnavailableError } from '@boxoffice/kafka';
import type { NotifyConfig } from '../config';
import { ConsumerStats } from './consumer-stats';
import { notifyConsumerOptions } from './consumer-options';
import { NotifyKafkaServer } from './notify-kafka.server';

/** Connects notify's Kafka consumer to the app and joins the group (main.ts and the tests alike). */
export async function startNotifyConsumer(app: INestApplication, config: NotifyConfig): Promise<void> {
  app.connectMicroservice({ strategy: new NotifyKafkaServer(notifyConsumerOptions(config), app.get(ConsumerStats)) });
  await app.startAllMicroservices().catch((error: unknown) => {
    throw new KafkaUnavailableError(config.KAFKA_BROKERS, error);
  });
}
