import type { Clock } from '../../platform/ports.ts';

export const systemClock: Clock = { now: () => new Date() };

/** A clock tests move by hand, so expiry is tested without sleeping. */
export class ManualClock implements Clock {
  private t: number;
  constructor(start: Date | string = '2026-01-01T00:00:00Z') {
    this.t = new Date(start).getTime();
  }
  now(): Date {
    return new Date(this.t);
  }
  advance(ms: number): void {
    this.t += ms;
  }
  set(d: Date | string): void {
    this.t = new Date(d).getTime();
  }
}
