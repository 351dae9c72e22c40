export type Log = (message: string, error?: unknown) => void;

/** One line per event on stderr; errors by message and cause only (never tokens or request bodies). */
export const consoleLog: Log = (message, error) => {
  const detail =
    error instanceof Error ? `: ${error.message}${causeOf(error)}` : error ? `: ${String(error)}` : '';
  console.error(`${new Date().toISOString()} ${message}${detail}`);
};

function causeOf(error: Error): string {
  const cause = (error as { cause?: unknown }).cause;
  return cause instanceof Error ? ` (${cause.message})` : '';
}
