import 'reflect-metadata';
import { loadConfig } from '@boxoffice/config';
import { createHttpApp, runOrExit } from '@boxoffice/http';
import { AppModule } from './app.module';
import { checkoutConfigSchema } from './config';

void runOrExit('checkout', async () => {
  const config = loadConfig(checkoutConfigSchema);
  const app = await createHttpApp(AppModule.forRoot(config), {
    service: 'checkout',
    version: config.SERVICE_VERSION,
    description: 'Events, seats and orders that never oversell, published through a transactional outbox.',
  });
  await app.listen(config.PORT, config.HOST);
});
