import OpenAI from 'openai';

/**
 * Why a model call failed, and whether trying again may help. `message` is a plain sentence for the user;
 * `detail` is what the upstream said (its error body, whatever internals it holds): for the log only.
 */
export class ModelCallError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly transient: boolean,
    readonly detail?: string,
  ) {
    super(message);
  }
}

export function classifyModelError(error: unknown): ModelCallError {
  if (error instanceof ModelCallError) return error;
  if (error instanceof OpenAI.APIConnectionTimeoutError)
    return new ModelCallError('MODEL_TIMEOUT', 'The model did not answer in time.', true);
  if (error instanceof OpenAI.APIConnectionError)
    return new ModelCallError('MODEL_UNAVAILABLE', 'The model could not be reached.', true, error.message);
  if (error instanceof OpenAI.APIError && typeof error.status === 'number')
    return fromStatus(error.status, error.message);
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return new ModelCallError('MODEL_TIMEOUT', 'The model did not answer in time.', true);
  }
  const detail = error instanceof Error ? error.message : String(error);
  return new ModelCallError('MODEL_UNAVAILABLE', 'The model could not be reached.', true, detail);
}

export function fromStatus(status: number, detail: string): ModelCallError {
  const logged = detail.slice(0, 2000);
  if (status === 429)
    return new ModelCallError('MODEL_RATE_LIMITED', 'The model is rate limited; try again later.', true, logged);
  if (status === 408 || status >= 500)
    return new ModelCallError('MODEL_UNAVAILABLE', `The model failed (${status}).`, true, logged);
  return new ModelCallError('MODEL_REJECTED', `The model refused the request (${status}).`, false, logged);
}
