/** What `npm run package` needs and has not got: every missing variable at once, and the file to put them in. */
export class MissingValuesError extends Error {
  constructor(
    readonly envName: string,
    readonly names: readonly string[],
    /** The env file to fill, as the person running the build would type it (e.g. `env/.env.dev`). */
    readonly file: string,
  ) {
    super(`To build the app package for ENV_NAME=${envName}, set ${names.join(', ')} in ${file}.`);
    this.name = 'MissingValuesError';
  }
}

/** The filled-in manifest is not one Teams would accept: each problem on its own line, where it is. */
export class InvalidManifestError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`The app manifest is not one Teams accepts:\n  ${problems.join('\n  ')}`);
    this.name = 'InvalidManifestError';
  }
}
