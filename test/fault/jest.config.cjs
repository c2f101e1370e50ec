module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'fault',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
