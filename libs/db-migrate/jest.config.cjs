module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'db-migrate',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
