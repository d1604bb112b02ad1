import type { Config } from '../config';
import type { RateLimit, RateLimits } from './rate-limiter';

/** Every rate limit of the API, named once; each is consumed before the work it guards. */
export interface Limits {
  /** Login attempts per (canonical username, IP): a stranger elsewhere cannot lock the owner out. */
  loginUser: RateLimit;
  /** Failed login attempts per IP, whatever the username. */
  loginIp: RateLimit;
  registerIp: RateLimit;
  /** sendMessage per user. */
  messages: RateLimit;
  participationIp: RateLimit;
  participationStudy: RateLimit;
  /** Model calls per owner (user or participant) per minute. */
  chat: RateLimit;
}

export function createLimits(limits: RateLimits, config: Config): Limits {
  const window = config.LOGIN_WINDOW_SECONDS;
  return {
    loginUser: limits.limit({ name: 'login-user', points: config.LOGIN_MAX_FAILURES, durationSeconds: window }),
    loginIp: limits.limit({ name: 'login-ip', points: config.LOGIN_MAX_FAILURES_PER_IP, durationSeconds: window }),
    registerIp: limits.limit({ name: 'register-ip', points: config.REGISTER_PER_IP_PER_HOUR, durationSeconds: 3600 }),
    messages: limits.limit({ name: 'messages', points: config.MESSAGES_PER_MINUTE, durationSeconds: 60 }),
    participationIp: limits.limit({
      name: 'participation-ip',
      points: config.PARTICIPATION_STARTS_PER_IP_PER_HOUR,
      durationSeconds: 3600,
    }),
    participationStudy: limits.limit({
      name: 'participation-study',
      points: config.PARTICIPATION_STARTS_PER_STUDY_PER_MINUTE,
      durationSeconds: 60,
    }),
    chat: limits.limit({ name: 'chat', points: config.CHAT_RATE_PER_MINUTE, durationSeconds: 60 }),
  };
}
