import OpenAI from 'openai';

/** Why a model call failed, and whether trying again may help. */
export class ModelCallError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly transient: boolean,
  ) {
    super(message);
  }
}

export function classifyModelError(error: unknown): ModelCallError {
  if (error instanceof ModelCallError) return error;
  if (error instanceof OpenAI.APIConnectionTimeoutError)
    return new ModelCallError('MODEL_TIMEOUT', 'The model did not answer in time.', true);
  if (error instanceof OpenAI.APIConnectionError)
    return new ModelCallError('MODEL_UNAVAILABLE', 'The model could not be reached.', true);
  if (error instanceof OpenAI.APIError && typeof error.status === 'number')
    return fromStatus(error.status, error.message);
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return new ModelCallError('MODEL_TIMEOUT', 'The model did not answer in time.', true);
  }
  return new ModelCallError('MODEL_UNAVAILABLE', error instanceof Error ? error.message : String(error), true);
}

export function fromStatus(status: number, detail: string): ModelCallError {
  if (status === 429)
    return new ModelCallError('MODEL_RATE_LIMITED', 'The model is rate limited; try again later.', true);
  if (status === 408 || status >= 500)
    return new ModelCallError('MODEL_UNAVAILABLE', `The model failed (${status}).`, true);
  return new ModelCallError(
    'MODEL_REJECTED',
    `The model refused the request (${status}): ${detail.slice(0, 300)}`,
    false,
  );
}
