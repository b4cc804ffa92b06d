import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { CertwrightStack } from '../lib/certwright-stack.ts';
import { DeploySettingsError } from '../lib/settings.ts';

const app = new App();
// cdk-nag's AWS Solutions rules run on every synth; an unacknowledged error finding fails it.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
try {
  new CertwrightStack(app, 'Certwright');
} catch (error) {
  // A bad or missing deploy setting: say which, without a stack trace.
  if (!(error instanceof DeploySettingsError)) throw error;
  process.stderr.write(`\n${error.message}\n\n`);
  process.exit(1);
}
