import { fileURLToPath } from 'node:url';
import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import {
  ApplicationLogLevel,
  Architecture,
  LoggingFormat,
  Runtime,
  SystemLogLevel,
} from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/** Where the functions' entry files live, relative to this file. Each exports `handler`. */
export const ENTRY_FILES = {
  api: '../functions/api/lambda.ts',
  publishValidationRecords: '../functions/tasks/lambda/publish-validation-records.ts',
  checkValidation: '../functions/tasks/lambda/check-validation.ts',
  issueCertificate: '../functions/tasks/lambda/issue-certificate.ts',
  recordFailure: '../functions/tasks/lambda/record-failure.ts',
  schedule: '../functions/schedule/lambda.ts',
  publishCrl: '../functions/tasks/lambda/publish-crl.ts',
  approval: '../functions/approvals/lambda.ts',
} as const;

export type FunctionName = keyof typeof ENTRY_FILES;

export const LOG_RETENTION = RetentionDays.THREE_MONTHS;

/**
 * ESM needs `require` for the CommonJS dependencies esbuild inlines (parts of the AWS SDK require Node
 * built-ins); `import.meta.url` gives them one.
 */
const REQUIRE_SHIM =
  "import { createRequire as __certwrightCreateRequire } from 'node:module'; const require = __certwrightCreateRequire(import.meta.url);";

export interface CertwrightFunctionProps {
  entry: FunctionName;
  description: string;
  environment: Record<string, string>;
  memorySize?: number;
  timeout?: Duration;
}

/**
 * One Certwright Lambda function: Node.js 22 on arm64, an ESM bundle built by the local esbuild (minified,
 * with source maps), JSON logs into its own log group, and a role of its own that may write only to that log
 * group until the stack grants it exactly what it needs. An alarm fires on any error.
 */
export class CertwrightFunction extends Construct {
  readonly function: NodejsFunction;
  readonly role: Role;
  readonly logGroup: LogGroup;
  readonly errorsAlarm: Alarm;

  constructor(scope: Construct, id: string, props: CertwrightFunctionProps) {
    super(scope, id);
    this.logGroup = new LogGroup(this, 'Logs', { retention: LOG_RETENTION });
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Certwright ${props.entry} function`,
    });
    // Instead of AWSLambdaBasicExecutionRole (logs:CreateLogGroup and writes to any log group): this one group.
    this.logGroup.grantWrite(this.role);

    this.function = new NodejsFunction(this, 'Function', {
      entry: fileURLToPath(new URL(ENTRY_FILES[props.entry], import.meta.url)),
      handler: 'handler',
      description: props.description,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 256,
      timeout: props.timeout ?? Duration.seconds(30),
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: LoggingFormat.JSON,
      applicationLogLevelV2: ApplicationLogLevel.INFO,
      systemLogLevelV2: SystemLogLevel.WARN,
      // Stack traces in the logs point into the TypeScript sources.
      environment: { NODE_OPTIONS: '--enable-source-maps', ...props.environment },
      bundling: {
        format: OutputFormat.ESM,
        target: 'node22',
        platform: 'node',
        mainFields: ['module', 'main'],
        banner: REQUIRE_SHIM,
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        // The SDK versions the adapters are tested with go into the bundle, not the runtime's own copy.
        externalModules: [],
      },
    });
    this.function.node.addDependency(this.role);

    this.errorsAlarm = new Alarm(this, 'ErrorsAlarm', {
      alarmDescription: `Certwright ${props.entry} function reported errors`,
      metric: this.function.metricErrors({ period: Duration.minutes(5) }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
  }
}
