import { rmSync } from 'node:fs';
import { CACHE_ENV } from './support/cache';

export default async function globalTeardown(): Promise<void> {
  const file = process.env[CACHE_ENV];
  if (file) rmSync(file, { force: true });
}
