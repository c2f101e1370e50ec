export * from './database-url';
export * from './prisma-lifecycle';
