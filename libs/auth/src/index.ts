export * from './auth.guard';
export * from './auth.module';
export * from './jwks-cache';
export * from './principal';
export * from './token-verifier';
