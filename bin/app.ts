import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { CertwrightStack } from '../lib/certwright-stack.ts';
import { DeploySettingsError, readDeploySettings, readStackName } from '../lib/settings.ts';

const app = new App();
// cdk-nag's AWS Solutions rules run on every synth; an unacknowledged error finding fails it.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
try {
  const settings = readDeploySettings(app.node);
  new CertwrightStack(app, readStackName(app.node), {
    settings,
    // Without credentials (an offline synth) both are undefined and the template is environment-agnostic.
    env: {
      account: process.env.CDK_DEFAULT_ACCOUNT,
      region: settings.region ?? process.env.CDK_DEFAULT_REGION,
    },
  });
} catch (error) {
  // A bad or missing deploy setting: say which, without a stack trace.
  if (!(error instanceof DeploySettingsError)) throw error;
  process.stderr.write(`\n${error.message}\n\n`);
  process.exit(1);
}
