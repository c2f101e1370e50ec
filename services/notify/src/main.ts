import 'reflect-metadata';
import { loadConfig } from '@boxoffice/config';
import { createHttpApp, runOrExit } from '@boxoffice/http';
import { kafkaConsumerOptions, KafkaUnavailableError } from '@boxoffice/kafka';
import { AppModule } from './app.module';
import { notifyConfigSchema } from './config';

void runOrExit('notify', async () => {
  const config = loadConfig(notifyConfigSchema);
  const app = await createHttpApp(AppModule.forRoot(config), {
    service: 'notify',
    version: config.SERVICE_VERSION,
    description: 'Kafka consumers that turn order and account events into exactly one notification each.',
  });
  app.connectMicroservice(kafkaConsumerOptions({ env: config, clientId: 'notify', groupId: config.KAFKA_CONSUMER_GROUP }));
  await app.startAllMicroservices().catch((error: unknown) => {
    throw new KafkaUnavailableError(config.KAFKA_BROKERS, error);
  });
  await app.listen(config.PORT, config.HOST);
});
