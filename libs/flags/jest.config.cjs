module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'flags',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
