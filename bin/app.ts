import { App } from 'aws-cdk-lib';
import { CertwrightStack } from '../lib/certwright-stack.ts';

const app = new App();
new CertwrightStack(app, 'Certwright');
