import { clusterLayout, up } from '@boxoffice/cluster';

/** Brings this checkout's cluster up, or reuses it (up is idempotent); `npm test` leaves it running only if it was. */
export default async function globalSetup(): Promise<void> {
  await up(clusterLayout());
}
