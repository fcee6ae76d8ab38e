import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The definitions that are deployed and run locally. */
export const PROVISION_DEFINITION_PATH = join(__dirname, 'provision.asl.json');
export const RELEASE_DEFINITION_PATH = join(__dirname, 'release.asl.json');
export const TEARDOWN_DEFINITION_PATH = join(__dirname, 'teardown.asl.json');
/** Every definition the stack deploys (each its own state machine). */
export const DEPLOYED_DEFINITION_PATHS: readonly string[] = [PROVISION_DEFINITION_PATH, RELEASE_DEFINITION_PATH, TEARDOWN_DEFINITION_PATH];

const SUBSTITUTION = /\$\{([A-Za-z0-9]+)\}/g;
const FUNCTION_ARN_SUFFIX = 'FunctionArn';

export interface AslState {
  readonly Type: string;
  readonly Resource?: string;
  readonly Branches?: AslDefinition[];
  readonly Iterator?: AslDefinition;
  readonly ItemProcessor?: AslDefinition;
  readonly Retry?: ReadonlyArray<{ readonly ErrorEquals: string[] }>;
  readonly Catch?: ReadonlyArray<{ readonly ErrorEquals: string[]; readonly Next: string }>;
  readonly [key: string]: unknown;
}

export interface AslDefinition {
  readonly StartAt: string;
  readonly States: Record<string, AslState>;
  readonly [key: string]: unknown;
}

export function readDefinitionText(path = PROVISION_DEFINITION_PATH): string {
  return readFileSync(path, 'utf8');
}

/** Every `${Name}` placeholder in the definition text, each once. */
export function placeholdersOf(definitionText: string): string[] {
  return [...new Set([...definitionText.matchAll(SUBSTITUTION)].map((match) => match[1] ?? ''))];
}

/** The placeholder a task's function ARN is substituted for: `<Task>FunctionArn`. */
export function functionArnPlaceholder(task: string): string {
  return `${task}${FUNCTION_ARN_SUFFIX}`;
}

/** The task a `<Task>FunctionArn` placeholder stands for; undefined for any other placeholder. */
export function taskOfPlaceholder(placeholder: string): string | undefined {
  const task = placeholder.endsWith(FUNCTION_ARN_SUFFIX) ? placeholder.slice(0, -FUNCTION_ARN_SUFFIX.length) : '';
  return task.length > 0 ? task : undefined;
}

/** The task a Task state's unsubstituted `Resource` (`${<Task>FunctionArn}`) calls, or undefined. */
export function taskOfResource(resource: string): string | undefined {
  const placeholder = /^\$\{([A-Za-z0-9]+)\}$/.exec(resource)?.[1];
  return placeholder === undefined ? undefined : taskOfPlaceholder(placeholder);
}

export function substitute(definitionText: string, values: Record<string, string>): string {
  return definitionText.replace(SUBSTITUTION, (whole, name: string) => values[name] ?? whole);
}

/** Every state of the definition, nested Map and Parallel states included, with its name. */
export function allStates(definition: AslDefinition): Array<[string, AslState]> {
  return Object.entries(definition.States).flatMap(([name, state]) => [
    [name, state] as [string, AslState],
    ...(state.Branches ?? []).flatMap(allStates),
    ...[state.Iterator, state.ItemProcessor].filter((inner): inner is AslDefinition => inner !== undefined).flatMap(allStates),
  ]);
}
