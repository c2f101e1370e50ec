export * from './bootstrap';
export * from './health';
export * from './logging';
export * from './problem';
export * from './problem-details.filter';
export * from './operations-guard';
