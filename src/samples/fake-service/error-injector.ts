// Fault injection ahead of the handler's real work: the RATE_LIMIT token bucket first, then ERROR_RATE.
// fake-service's own messages are kept, since callers see them in the JSON and in logs.

import type { FakeServiceConfig } from './config.js';
import { formatGoDuration } from '../go-duration.js';
import type { Logger } from './logger.js';
import type { Random } from './timing.js';

export const RATE_LIMIT_MESSAGE = 'Service exceeded rate limit';
export const INJECTED_ERROR_MESSAGE = 'Service error automatically injected';

export type Injection =
  | { kind: 'none' }
  | { kind: 'fail'; code: number; message: string }
  | { kind: 'delay'; delayMs: number };

export interface ErrorInjector {
  next(): Injection;
}

export function createErrorInjector(
  config: Pick<FakeServiceConfig, 'errorRate' | 'errorType' | 'errorCode' | 'errorDelayMs' | 'rateLimit' | 'rateLimitCode'>,
  random: Random,
  logger: Logger,
  clockMs: () => number = () => performance.now(),
): ErrorInjector {
  // The bucket starts full and holds a second's worth of requests (at least one), like Go's
  // rate.NewLimiter(rps, int(rps)) that fake-service uses.
  const capacity = Math.max(1, Math.floor(config.rateLimit));
  let tokens = capacity;
  let last = clockMs();
  let requestCount = 0;

  const allow = (): boolean => {
    const now = clockMs();
    tokens = Math.min(capacity, tokens + ((now - last) / 1000) * config.rateLimit);
    last = now;
    if (tokens < 1) return false;
    tokens -= 1;
    return true;
  };

  return {
    next(): Injection {
      requestCount++;
      if (config.rateLimit > 0 && !allow()) {
        logger.info('Rate limiting service');
        return { kind: 'fail', code: config.rateLimitCode, message: RATE_LIMIT_MESSAGE };
      }
      if (config.errorRate <= 0 || random() >= config.errorRate) return { kind: 'none' };
      logger.info('Injecting error', {
        request_count: requestCount,
        error_percentage: config.errorRate,
        error_type: config.errorType,
      });
      if (config.errorType === 'http_error') {
        return { kind: 'fail', code: config.errorCode, message: INJECTED_ERROR_MESSAGE };
      }
      logger.info('Delaying service execution', { duration: formatGoDuration(config.errorDelayMs * 1e6) });
      return { kind: 'delay', delayMs: config.errorDelayMs };
    },
  };
}
