module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'notify',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
  setupFiles: ['<rootDir>/src/testing/quiet-logs.ts'],
};
