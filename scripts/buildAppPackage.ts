import { buildAppPackage } from './appPackage/build';
import { displayPath } from './appPackage/envValues';
import { InvalidManifestError, MissingValuesError } from './appPackage/errors';

/** npm run package: env/.env.<ENV_NAME> (default local) -> appPackage/build/appPackage.<ENV_NAME>.zip, for Teams. */
const envName = process.env.ENV_NAME || 'local';
try {
  const { zipPath } = buildAppPackage({ envName });
  const note =
    envName === 'local' ? ", with the build's local ids: for checking, not for uploading to Teams" : '';
  console.log(`Wrote ${displayPath(zipPath)}${note}`);
} catch (error) {
  // What the person can fix is said in their words, without a stack trace; anything else is a bug.
  if (error instanceof MissingValuesError || error instanceof InvalidManifestError) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}
