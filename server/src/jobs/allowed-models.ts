import type { Config } from '../config';

/**
 * Why a user may not call `model`, or null when they may. ALLOWED_MODELS lists the models users may pick;
 * unset, it is GPT_VERSION alone; `*` allows any name (each costs the operator's key).
 * Participants never get here: their study decides.
 */
export function allowedModel(config: Config, model: string): string | null {
  const allowed = config.ALLOWED_MODELS?.length ? config.ALLOWED_MODELS : [config.GPT_VERSION];
  if (allowed.includes('*') || allowed.includes(model)) return null;
  return `model must be one of ${allowed.join(', ')}.`;
}
