module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'manifests',
  rootDir: __dirname,
  testMatch: ['<rootDir>/**/*.spec.ts'],
  // Renders every kustomization once and validates schemas once; the specs read the result.
  globalSetup: '<rootDir>/src/global-setup.ts',
  globalTeardown: '<rootDir>/src/global-teardown.ts',
  testTimeout: 60_000,
};
