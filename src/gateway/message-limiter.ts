/** The window over which refused messages are counted as abuse. */
const ABUSE_WINDOW_MS = 10_000;

export interface MessageLimits {
  perSecond: number;
  burst: number;
  /** Refused messages within 10 s past which the socket is dropped. */
  abuseLimit: number;
}

/**
 * One socket's message budget: a token bucket (`burst` at once, `perSecond` refilled), and a
 * count of refused messages that marks the socket abusive when it passes `abuseLimit` in 10 s.
 */
export class MessageLimiter {
  private tokens: number;
  private refilledAt: number;
  private refused = 0;
  private windowStart: number;

  constructor(
    private readonly limits: MessageLimits,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = limits.burst;
    this.refilledAt = this.windowStart = now();
  }

  /** Takes one message's token; false if the budget is spent. */
  take(): boolean {
    const now = this.now();
    const elapsed = (now - this.refilledAt) / 1000;
    this.tokens = Math.min(this.limits.burst, this.tokens + elapsed * this.limits.perSecond);
    this.refilledAt = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return true;
    }
    if (now - this.windowStart > ABUSE_WINDOW_MS) {
      this.windowStart = now;
      this.refused = 0;
    }
    this.refused++;
    return false;
  }

  get abusive(): boolean {
    return this.refused > this.limits.abuseLimit;
  }

  /** Seconds until the next message would be taken. */
  get retryAfterS(): number {
    return Math.max(1, Math.ceil((1 - this.tokens) / this.limits.perSecond));
  }
}
