// Login throttling, before any password is hashed: a token bucket per account (the
// normalized email, known or not) and one per client address (req.ip honours TRUST_PROXY;
// IPv6 by its /64). Every attempt takes a token from both, so a crowd of guesses at once
// is counted too. In process memory, like the API's other limits (docs/operations.md).
import { clientBucket, TokenBuckets } from '../../platform/http/rate-limit.ts';
import type { AccountSettings } from '../../platform/context.ts';

export class LoginThrottle {
  private readonly accounts: TokenBuckets;
  private readonly addresses: TokenBuckets;

  /** `now`: milliseconds of real time (the context's wall clock). */
  constructor(s: AccountSettings, now: () => number) {
    this.accounts = new TokenBuckets(s.loginsPerAccount / 900, s.loginsPerAccount, now);
    this.addresses = new TokenBuckets(s.loginsPerAddress / 60, s.loginsPerAddress, now);
  }

  /** 0 when the attempt may go ahead (its tokens taken), else the seconds to wait (nothing taken). */
  attempt(email: string, ip: string): { wait: number; by: 'account' | 'address' | null } {
    const address = clientBucket(ip);
    const byAddress = this.addresses.wait(address);
    if (byAddress > 0) return { wait: byAddress, by: 'address' };
    const byAccount = this.accounts.wait(email);
    if (byAccount > 0) return { wait: byAccount, by: 'account' };
    this.addresses.take(address);
    this.accounts.take(email);
    return { wait: 0, by: null };
  }
}
