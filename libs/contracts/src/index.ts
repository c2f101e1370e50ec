export * from './catalog';
export * from './envelope';
export * from './payloads';
export * from './validate';
