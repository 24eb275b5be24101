// Passwords: argon2id with OWASP's parameters (19 MiB, 2 passes, 1 lane), the PHC string
// stored. A login for an unknown email verifies against a dummy hash made with the same
// parameters, so both failures cost the same time.
import { hash, verify, type Algorithm } from '@node-rs/argon2';

// Algorithm is a const enum, which the type-stripping loader cannot inline: 2 is Argon2id.
const OPTIONS = { algorithm: 2 as Algorithm, memoryCost: 19_456, timeCost: 2, parallelism: 1 };

export const MIN_PASSWORD = 8;
export const MAX_PASSWORD = 256;

export const hashPassword = (password: string): Promise<string> => hash(password, OPTIONS);

let dummy: Promise<string> | undefined;
const dummyHash = () => (dummy ??= hash('not the password of anyone: a dummy to spend the same time', OPTIONS));

/** Whether `password` matches `stored`; with no stored hash, the same work against a dummy and false. */
export async function checkPassword(stored: string | null | undefined, password: string): Promise<boolean> {
  if (!stored) {
    await verify(await dummyHash(), password).catch(() => false);
    return false;
  }
  return verify(stored, password).catch(() => false);
}

/** Warms the dummy hash at start, so the first unknown-email login is not the only slow one. */
export function prepareDummyHash(): void {
  void dummyHash();
}
