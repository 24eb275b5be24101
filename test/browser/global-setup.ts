// The browser tests drive the console as built from the current sources.
import { ensureConsoleBuilt } from '../../src/modules/console/index.ts';

export default function setup() {
  const outcome = ensureConsoleBuilt({ force: true, quiet: true });
  if (outcome !== 'built') throw new Error(`the console could not be built (${outcome}): run npm run console:build`);
}
