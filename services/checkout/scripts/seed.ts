/**
 * Seeds checkout's demo catalog (a few concerts and one 50-seat "hot" event). Idempotent: run it
 * as often as you like; sold seats stay sold.
 *
 *   DATABASE_URL=postgresql://… npx tsx services/checkout/scripts/seed.ts
 *   # or with the local stack's variables (database boxoffice_checkout, as prisma.config.ts):
 *   eval "$(npm run -s stack -- env)" && npx tsx services/checkout/scripts/seed.ts
 */
import { createPgPool } from '@boxoffice/database';
import prismaConfig from '../prisma.config';
import { seedCatalog } from '../src/catalog/catalog-seeder';
import { demoCatalog, HOT_TIER_ID } from '../src/catalog/demo-catalog';
import { PrismaService } from '../src/database/prisma.service';

async function main(): Promise<void> {
  const url = process.env.DATABASE_URL?.trim() || prismaConfig.datasource?.url;
  if (!url) throw new Error('set DATABASE_URL, or DATABASE_HOST/DATABASE_PORT/DATABASE_USER/DATABASE_PASSWORD (eval "$(npm run -s stack -- env)")');
  const prisma = new PrismaService(createPgPool({ url, poolSize: 2 }), url);
  await prisma.onModuleInit();
  try {
    const result = await seedCatalog(prisma, demoCatalog);
    console.log(`seeded ${demoCatalog.length} events: ${result.eventsCreated} created, ${result.eventsUpdated} already there; ${result.tiersCreated} tier(s) created`);
    for (const event of demoCatalog) {
      console.log(`  ${event.id}  ${event.name} (${event.city}): ${event.tiers.map((t) => `${t.name} ${t.capacity} seats`).join(', ')}`);
    }
    console.log(`hot tier for contention demos: ${HOT_TIER_ID}`);
  } finally {
    await prisma.onApplicationShutdown();
  }
}

main().catch((error: unknown) => {
  console.error(`seed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
