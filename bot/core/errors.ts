export type Dependency = 'directory' | 'signIn' | 'storage';

/** A service the product depends on did not answer in time, after retries; nothing was changed. */
export class DependencyUnavailableError extends Error {
  constructor(
    readonly dependency: Dependency,
    options?: { cause?: unknown },
  ) {
    super(`${dependency} unavailable`, options);
    this.name = 'DependencyUnavailableError';
  }
}
