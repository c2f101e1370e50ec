module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'local-stack:int',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.int-spec.ts'],
  testTimeout: 900_000,
};
