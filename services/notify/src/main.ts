import { telemetry } from './telemetry';
import 'reflect-metadata';
import { loadConfig } from '@boxoffice/config';
import { flagsEnvOf, loadFlagsSettings } from '@boxoffice/flags';
import { createHttpApp, runOrExit } from '@boxoffice/http';
import { AppModule } from './app.module';
import { notifyConfigSchema } from './config';
import { startNotifyConsumer } from './consumer/start-consumer';

void runOrExit('notify', async () => {
  // A METRICS_PORT that was asked for (as in the cluster) and cannot be bound fails the start. The
  // default port is best effort: several local processes share it, and a clash is one stderr line.
  if (process.env.METRICS_PORT) await telemetry.metricsEndpoint;
  const config = loadConfig(notifyConfigSchema);
  // A missing FLAGS_DIR fails here in one line rather than inside Nest's injector with a stack trace.
  loadFlagsSettings(flagsEnvOf(config));
  const app = await createHttpApp(AppModule.forRoot(config), {
    service: 'notify',
    version: config.SERVICE_VERSION,
    description: 'Kafka consumers that turn order and account events into exactly one notification each.',
  });
  // The consumer joins its group while the lifecycle hooks connect the producer and the database;
  // /health answers only once both are done.
  await Promise.all([startNotifyConsumer(app, config), app.init()]);
  await app.listen(config.PORT, config.HOST);
});
