// Counters shared by every app instance: failed checks of a secret (password, code) and mails sent,
// per account, per IP or per address. They live in Redis when REDIS_URL is set (several app instances
// then count together) and in this process's memory otherwise; when Redis cannot be reached, each
// instance keeps counting in its own memory (rate-limiter-flexible's insurance limiter) rather than
// letting everything through or refusing everyone.
import { createHash } from "node:crypto";
import { Redis } from "ioredis";
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";
import { config } from "../config.server";

export type CounterOptions = {
  /** Unique per counter: keys of two counters never meet. */
  name: string;
  /** How many may be counted within `windowSeconds`; one more is refused. */
  points: number;
  windowSeconds: number;
  /** Once over, refuse for this long (default: until the window ends). */
  blockSeconds?: number;
};

export type Counted = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export type Counter = {
  /** Counts one, atomically across instances; refused once `points` were counted within the window. */
  hit(key: string): Promise<Counted>;
  /** Whether the key is over its limit now, without counting. */
  check(key: string): Promise<Counted>;
  /** Forgets the key (e.g. a right password clears the failures before it). */
  reset(key: string): Promise<void>;
  /** Takes one count back (a hit that turned out not to be a failure). */
  forgive(key: string): Promise<void>;
};

let redis: { client: Redis; firstAttempt: Promise<void> } | null | undefined;

// One connection per process, made on first use. Calls made before its first attempt ended (ready or
// failed) wait for it, a second at most; after that no call waits on Redis while it is away: a command
// is never queued for a connection that is not ready (it fails at once, and the insurance limiter
// answers from memory), and ioredis keeps reconnecting in the background, so counting returns to
// Redis when it is back. Without this every call waited for a reconnection attempt or a timeout.
function redisConnection() {
  if (redis !== undefined) return redis;
  if (!config.redisUrl) return (redis = null);
  // Named, so Redis's CLIENT LIST tells the app's connections from Directus's.
  const client = new Redis(config.redisUrl, { commandTimeout: 1000, maxRetriesPerRequest: 1, enableOfflineQueue: false, connectionName: "app-counters" });
  const firstAttempt = new Promise<void>((resolve) => {
    client.once("ready", resolve);
    client.once("error", () => resolve());
    setTimeout(resolve, 1000).unref();
  });
  // Errors are answered by the insurance limiter; one line per error would flood the log while it is down.
  let reported = false;
  client.on("error", (error) => {
    if (!reported) console.error(`Redis for the app's counters: ${error.message}; counting in memory until it is back`);
    reported = true;
  });
  client.on("ready", () => (reported = false));
  return (redis = { client, firstAttempt });
}

// Keys hold emails and IPs: only a hash of them reaches Redis or memory.
export function counterKey(...parts: string[]): string {
  return createHash("sha256").update(parts.join("\n")).digest("base64url").slice(0, 32);
}

const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

export function createCounter({ name, points, windowSeconds, blockSeconds = 0 }: CounterOptions): Counter {
  const options = { keyPrefix: `app-counter:${name}`, points, duration: windowSeconds, blockDuration: blockSeconds };
  const memory = new RateLimiterMemory(options);
  const connection = redisConnection();
  // rejectIfRedisNotReady: while the connection is not ready, the insurance answers without asking Redis.
  const store = connection && new RateLimiterRedis({ ...options, storeClient: connection.client, rejectIfRedisNotReady: true, insuranceLimiter: memory });
  const ready = connection?.firstAttempt ?? Promise.resolve();
  const limiter: RateLimiterAbstract = store ?? memory;

  async function check(key: string): Promise<Counted> {
    await ready;
    const res = await limiter.get(key);
    if (!res || res.consumedPoints < points) return { allowed: true };
    return { allowed: false, retryAfterSeconds: seconds(res.msBeforeNext) };
  }

  return {
    async hit(key) {
      await ready;
      try {
        await limiter.consume(key);
        return { allowed: true };
      } catch (error) {
        if (error instanceof RateLimiterRes) return { allowed: false, retryAfterSeconds: seconds(error.msBeforeNext) };
        throw error;
      }
    },
    check,
    async reset(key) {
      await ready;
      await limiter.delete(key);
    },
    async forgive(key) {
      await ready;
      await limiter.reward(key, 1);
    },
  };
}
