import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { DEFAULT_STACK_NAME } from '../functions/shared/stack-names';
import { LambdaEgressStack, type LambdaEgressStackProps } from './lambda-egress-stack';
import { checkTargetScope, TARGET_SCOPE_CONTEXT } from '../functions/shared/target-scope';

/** The app `npx cdk synth|deploy` runs, and the tests build: the stack, with cdk-nag's AwsSolutions pack as a synthesis gate. */
export function createApp(props: LambdaEgressStackProps = {}, outdir?: string): { app: App; stack: LambdaEgressStack } {
  const app = new App(outdir ? { outdir } : {});
  // The scope in cdk.json's context, the one source `lambda-egress --local` reads too (local/target-scope-config.ts).
  const fromContext = checkTargetScope(app.node.tryGetContext(TARGET_SCOPE_CONTEXT), `cdk.json context "${TARGET_SCOPE_CONTEXT}"`);
  const stack = new LambdaEgressStack(app, DEFAULT_STACK_NAME, {
    description: 'lambda-egress: gives Lambda functions internet egress from a VPC (state machine, tag trigger, catalog API)',
    ...fromContext,
    ...props,
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack };
}

if (require.main === module) createApp().app.synth();
