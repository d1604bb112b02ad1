import { z } from 'zod';

/** USD per million tokens, for one model. */
const price = z.object({ input: z.number().min(0), output: z.number().min(0) }).strict();
const quota = z
  .object({
    requestsPerDay: z.number().int().min(0).optional(),
    tokensPerDay: z.number().int().min(0).optional(),
  })
  .strict();

/** A JSON object in an environment variable, validated by `shape` (start-up stops naming the field). */
const jsonEnv = <T extends z.ZodTypeAny>(shape: T) =>
  z
    .string()
    .default('{}')
    .transform((text, ctx) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'must be JSON' });
        return z.NEVER;
      }
    })
    .pipe(shape);

/** MODEL_PRICES: `{"gpt-4o-mini": {"input": 0.15, "output": 0.6}}`, USD per million prompt and completion tokens. */
export const modelPrices = jsonEnv(z.record(z.string().min(1), price));

/** CHAT_QUOTAS: per role, `{"USER": {"requestsPerDay": 200, "tokensPerDay": 200000}}`; a role left out has none. */
export const chatQuotas = jsonEnv(z.object({ USER: quota, RESEARCHER: quota, ADMIN: quota }).partial().strict());

export type ModelPrices = z.infer<typeof modelPrices>;
export type ChatQuotas = z.infer<typeof chatQuotas>;
export type Quota = z.infer<typeof quota>;
