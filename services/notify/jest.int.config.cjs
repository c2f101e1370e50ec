module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'notify:int',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.int-spec.ts'],
  testTimeout: 60_000,
};
