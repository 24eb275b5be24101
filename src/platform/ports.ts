// Ports: the only ways app/ reaches the world. Implementations are chosen in main.ts.
export interface Clock {
  now(): Date;
}

export interface SecretBox {
  /** Encrypts with the current key; the output names the key id so keys can rotate. */
  seal(plaintext: string): string;
  open(sealed: string): string;
  readonly currentKeyId: string;
}
