module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'load',
  rootDir: require('node:path').resolve(__dirname, '../..'),
  testMatch: ['<rootDir>/test/load/src/**/*.spec.ts', '<rootDir>/test/bench/src/**/*.spec.ts'],
};
