import 'reflect-metadata';
import { loadConfig } from '@boxoffice/config';
import { createHttpApp, runOrExit } from '@boxoffice/http';
import { AppModule } from './app.module';
import { notifyConfigSchema } from './config';
import { startNotifyConsumer } from './consumer/start-consumer';

void runOrExit('notify', async () => {
  const config = loadConfig(notifyConfigSchema);
  const app = await createHttpApp(AppModule.forRoot(config), {
    service: 'notify',
    version: config.SERVICE_VERSION,
    description: 'Kafka consumers that turn order and account events into exactly one notification each.',
  });
  await startNotifyConsumer(app, config);
  await app.listen(config.PORT, config.HOST);
});
