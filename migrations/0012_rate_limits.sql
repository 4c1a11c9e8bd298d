-- Request counters per API key and minute, shared by every API process (RATE_LIMIT_STORE=postgres;
-- src/auth/request-limiter.ts). The layout is the one rate-limiter-flexible's PostgreSQL store
-- reads and writes: `expire` in epoch milliseconds. Unlogged: counters lost in a crash only
-- restart a minute's count, and the writes on every request skip the WAL.
CREATE UNLOGGED TABLE rate_limits (
  key    varchar(255) PRIMARY KEY,
  points integer      NOT NULL DEFAULT 0,
  expire bigint
);
