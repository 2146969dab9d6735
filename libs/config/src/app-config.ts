import { ConfigShape, ConfigValues } from './config-schema';

/** DI token and typed accessor for a service's validated configuration: read once, at start. */
export class AppConfig<S extends ConfigShape = ConfigShape> {
  constructor(private readonly values: ConfigValues<S>) {}

  get<K extends keyof ConfigValues<S>>(key: K): ConfigValues<S>[K] {
    return this.values[key];
  }

  get isProduction(): boolean {
    return (this.values as Record<string, unknown>)['NODE_ENV'] === 'production';
  }
}
