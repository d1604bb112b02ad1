import { randomBytes } from 'node:crypto';
import { type Db, isUniqueViolation } from '../db/client';
import { StartupError } from '../errors';
import type { Logger } from '../logger';
import type { BotConfig } from './bot-config';
import { checkBotHealth } from './model-call';

interface BotEntry {
  config: BotConfig;
  userId: string;
  /** Why the bot is offline, or null while its endpoint answers. */
  problem: string | null;
}

/**
 * The configured bots, each backed by a User row (isBot) so that it is a contact like any other.
 * Bot users left from an earlier configuration stay in contact lists, offline, with the reason.
 */
export class BotRegistry {
  private readonly byUserId = new Map<string, BotEntry>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly db: Db,
    private readonly log: Logger,
  ) {}

  async load(configs: BotConfig[]): Promise<void> {
    for (const config of configs) {
      const user = await this.botUser(config.name);
      this.byUserId.set(user.id, { config, userId: user.id, problem: null });
    }
    if (configs.length) this.log.info({ bots: configs.map((b) => `${b.name} (${b.kind})`) }, 'bots configured');
  }

  /** The bot's User row, made on first start; processes starting together on one database agree on one row. */
  private async botUser(name: string, attempt = 1): Promise<{ id: string }> {
    // username is citext: this finds `chatgpt` for the bot ChatGPT too.
    const existing = await this.db.user.findUnique({ where: { username: name } });
    if (existing && !existing.isBot) {
      throw new StartupError(
        `The bot ${name} cannot start: the user ${existing.username} already has that name (names ignore case). Rename the bot in BOTS_FILE or the user.`,
      );
    }
    if (existing) return existing;
    try {
      // An unusable password hash: nobody logs in as a bot.
      return await this.db.user.create({
        data: { username: name, isBot: true, passwordHash: `!bot:${randomBytes(16).toString('hex')}` },
        select: { id: true },
      });
    } catch (error) {
      // Another process made it between the read and the insert: read theirs.
      if (attempt === 1 && isUniqueViolation(error)) return this.botUser(name, 2);
      throw error;
    }
  }

  /** Checks every bot's endpoint now and then; `onChange` hears of bots going up or down. */
  startHealthChecks(intervalMs: number, onChange: (userId: string, online: boolean) => void) {
    const run = async () => {
      for (const entry of this.byUserId.values()) {
        const problem = await checkBotHealth(entry.config);
        const changed = (problem === null) !== (entry.problem === null);
        if (problem !== entry.problem) this.log.info({ bot: entry.config.name, problem }, 'bot health');
        entry.problem = problem;
        if (changed) onChange(entry.userId, problem === null);
      }
    };
    const runLogged = () => run().catch((err: unknown) => this.log.warn({ err }, 'bot health check failed'));
    void runLogged();
    this.timer = setInterval(runLogged, intervalMs);
    this.timer.unref();
  }

  stop() {
    clearInterval(this.timer);
  }

  get(userId: string): BotConfig | undefined {
    return this.byUserId.get(userId)?.config;
  }

  /** Null for people; for bots, whether they can answer now. */
  online(userId: string): boolean | null {
    const entry = this.byUserId.get(userId);
    return entry ? entry.problem === null : null;
  }

  /** Why a bot is offline: unhealthy, or no longer configured. */
  status(user: { id: string; isBot: boolean }): string | null {
    if (!user.isBot) return null;
    const entry = this.byUserId.get(user.id);
    if (!entry) return 'Not configured on this server.';
    return entry.problem ?? 'Ready.';
  }
}
