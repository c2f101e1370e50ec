/**
 * Load generator for Box Office on this machine: `npm run load -- --scenario browse-buy|flash-sale
 * --users 20 --rate 10 --duration 30s`. See docs/load-testing.md.
 */
import { parseLoadArgs, USAGE } from './src/args';
import { printProgress, runScenario } from './src/load';
import { capWarning } from './src/runner';
import { formatMinutes, formatSummary } from './src/stats';

async function main(): Promise<void> {
  if (process.argv.includes('--help')) {
    console.log(USAGE);
    return;
  }
  let options;
  try {
    options = parseLoadArgs(process.argv.slice(2));
  } catch (error) {
    console.error(`load: ${(error as Error).message}\n${USAGE}`);
    process.exit(2);
  }
  console.log(
    `load: ${options.scenario} against login ${options.loginUrl} and checkout ${options.checkoutUrl}: ${options.rate} iterations/s, up to ${options.users} at once, ${options.durationSeconds} s (at most ${options.maxIterations})`,
  );
  const warning = capWarning({ rate: options.rate, concurrency: options.users, durationSeconds: options.durationSeconds, maxIterations: options.maxIterations });
  if (warning) console.log(`load: warning: ${warning}`);
  console.log(`load: registering ${options.users} accounts first`);
  const result = await runScenario(options, options.json ? undefined : printProgress);
  if (process.stdout.isTTY) process.stdout.write('\n');
  if (options.json) {
    console.log(JSON.stringify({ options, ...result }, null, 2));
    return;
  }
  console.log(`\n${result.iterations} iterations${result.skipped ? `, ${result.skipped} starts skipped (all ${options.users} users busy: the services are slower than the rate)` : ''}`);
  console.log(formatSummary(result.summary));
  console.log(`per minute (latency of the requests that finished in it):\n${formatMinutes(result.minutes)}`);
}

main().catch((error: unknown) => {
  console.error(`load: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
