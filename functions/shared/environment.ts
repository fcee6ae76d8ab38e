/**
 * The one way product code reads a variable the stack (or local mode, or a test) must pass it. There is no
 * fallback: a deployed function missing its table name must not quietly use another table, so it fails at cold
 * start, naming the variable and who sets it, before it touches anything.
 */
export class MissingEnvironmentVariable extends Error {
  override readonly name = 'MissingEnvironmentVariable';
  readonly variable: string;

  constructor(variable: string, setBy: string) {
    super(`${variable} is not set: ${setBy}`);
    this.variable = variable;
  }
}

/** `setBy` completes "<variable> is not set: ..." with who passes it and what it is for. */
export function requiredEnvironment(variable: string, setBy: string, env: NodeJS.ProcessEnv = process.env): string {
  const value = env[variable];
  if (value === undefined || value === '') throw new MissingEnvironmentVariable(variable, setBy);
  return value;
}
