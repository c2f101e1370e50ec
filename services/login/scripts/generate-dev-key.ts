/**
 * Makes (or keeps) a development signing key for login and prints the variables to pass it.
 *
 *   node_modules/.bin/tsx services/login/scripts/generate-dev-key.ts <dir> [--rotate]
 *
 * stdout: JWT_PRIVATE_KEY_FILE=… (and JWT_PREVIOUS_KEY_FILE=… after a rotation), one per line,
 * usable as an env file. Never for production: there the key comes from a secret.
 */
import { ensureDevKey } from '../src/keys/dev-key';

function main(argv: string[]): number {
  const rotate = argv.includes('--rotate');
  const [dir, ...extra] = argv.filter((arg) => arg !== '--rotate');
  if (!dir || extra.length > 0 || dir.startsWith('-')) {
    process.stderr.write('usage: generate-dev-key.ts <dir> [--rotate]\n');
    return 2;
  }
  const keys = ensureDevKey(dir, { rotate });
  process.stderr.write(`${keys.created ? (rotate ? 'rotated: new signing key' : 'created signing key') : 'kept existing signing key'} in ${dir}\n`);
  process.stdout.write(`JWT_PRIVATE_KEY_FILE=${keys.privateKeyFile}\n`);
  if (keys.previousKeyFile) process.stdout.write(`JWT_PREVIOUS_KEY_FILE=${keys.previousKeyFile}\n`);
  return 0;
}

process.exitCode = main(process.argv.slice(2));
