module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'outbox',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
