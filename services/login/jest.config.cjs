module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'login',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
