// `npm run console:build` and the `prepare` step of every install: builds console/dist
// with Vite. A production install without dev dependencies cannot build; it says so and
// does not fail the install (the server then answers /console with how to build it).
import { ensureConsoleBuilt } from '../src/modules/console/index.ts';

const outcome = ensureConsoleBuilt({ force: true, quiet: process.argv.includes('--quiet') });
if (outcome === 'no_vite')
  console.log('console: Vite is not installed (a production install?): console/dist was not built. See README, "Opening the console".');
if (outcome === 'failed') process.exit(1);
