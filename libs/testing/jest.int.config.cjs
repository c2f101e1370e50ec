module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'testing:int',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.int-spec.ts'],
  testTimeout: 60_000,
};
