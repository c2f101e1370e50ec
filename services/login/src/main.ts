import 'reflect-metadata';
import { loadConfig } from '@boxoffice/config';
import { createHttpApp, runOrExit } from '@boxoffice/http';
import { AppModule } from './app.module';
import { loginConfigSchema } from './config';

void runOrExit('login', async () => {
  const config = loadConfig(loginConfigSchema);
  const app = await createHttpApp(AppModule.forRoot(config), {
    service: 'login',
    version: config.SERVICE_VERSION,
    description: 'Accounts, passwords and the tokens checkout and notify verify offline.',
  });
  await app.listen(config.PORT, config.HOST);
});
