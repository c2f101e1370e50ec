module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'checkout',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
