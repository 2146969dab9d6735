import { z } from 'zod';

/** One environment variable: how to parse it, what it means, whether its value must never be shown. */
export interface VariableSpec<T = unknown> {
  readonly schema: z.ZodType<T>;
  readonly description: string;
  readonly sensitive: boolean;
  /** The value used when the variable is unset or empty (shown in the README's table). */
  readonly defaultValue?: string;
}

export type ConfigShape = Record<string, VariableSpec>;
export type ConfigValues<S extends ConfigShape> = { readonly [K in keyof S]: S[K] extends VariableSpec<infer T> ? T : never };

/** A rule between variables (for example "KMS_MASTER_KEY is required in production"). */
export type CrossCheck<S extends ConfigShape> = (values: ConfigValues<S>) => { variable: string; problem: string } | null;

export interface ConfigDefinition<S extends ConfigShape = ConfigShape> {
  readonly shape: S;
  readonly checks: readonly CrossCheck<S>[];
}

export function defineConfig<S extends ConfigShape>(shape: S, checks: CrossCheck<S>[] = []): ConfigDefinition<S> {
  return { shape, checks };
}

export function variable<T>(
  schema: z.ZodType<T>,
  description: string,
  options: { sensitive?: boolean; default?: string } = {},
): VariableSpec<T> {
  return { schema, description, sensitive: options.sensitive ?? false, defaultValue: options.default };
}

/** Raised when the environment does not satisfy a definition; the message is one line. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    readonly problem: string,
  ) {
    super(`${variable}: ${problem}`);
    this.name = 'ConfigError';
  }
}

/**
 * Parses the environment against a definition. Values of sensitive variables never appear in messages
 * (zod's messages do not echo input; ours never do).
 */
export function parseConfig<S extends ConfigShape>(
  definition: ConfigDefinition<S>,
  env: NodeJS.ProcessEnv = process.env,
): ConfigValues<S> {
  const values: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(definition.shape)) {
    const raw = env[name];
    const input = raw === undefined || raw === '' ? spec.defaultValue : raw;
    const result = spec.schema.safeParse(input);
    if (!result.success) {
      const problem = input === undefined ? 'is required but not set' : result.error.issues[0]?.message ?? 'is invalid';
      throw new ConfigError(name, problem);
    }
    values[name] = result.data;
  }
  const typed = values as ConfigValues<S>;
  for (const check of definition.checks) {
    const failure = check(typed);
    if (failure) throw new ConfigError(failure.variable, failure.problem);
  }
  return Object.freeze(typed);
}

/**
 * Loads the configuration or stops the process with one line naming the variable and what is wrong
 * (exit code 78, EX_CONFIG), never a stack trace.
 */
export function loadConfigOrExit<S extends ConfigShape>(
  service: string,
  definition: ConfigDefinition<S>,
  env: NodeJS.ProcessEnv = process.env,
): ConfigValues<S> {
  try {
    return parseConfig(definition, env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`warden-${service}: invalid configuration: ${error.message}\n`);
      process.exit(78);
    }
    throw error;
  }
}
