import { telemetry } from './telemetry';
import 'reflect-metadata';
import { loadConfig } from '@boxoffice/config';
import { createHttpApp, runOrExit } from '@boxoffice/http';
import { AppModule } from './app.module';
import { loginConfigSchema } from './config';

void runOrExit('login', async () => {
  // A METRICS_PORT that was asked for (as in the cluster) and cannot be bound fails the start. The
  // default port is best effort: several local processes share it, and a clash is one stderr line.
  if (process.env.METRICS_PORT) await telemetry.metricsEndpoint;
  const config = loadConfig(loginConfigSchema);
  const app = await createHttpApp(AppModule.forRoot(config), {
    service: 'login',
    version: config.SERVICE_VERSION,
    description: 'Accounts, passwords and the tokens checkout and notify verify offline.',
  });
  await app.listen(config.PORT, config.HOST);
});
