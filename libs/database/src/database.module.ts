import { DynamicModule, Injectable, Module, OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { dataSourceOptions, ServiceDatabaseOptions } from './data-source-options';
import { runMigrations } from './migration-runner';

const SCHEMA = Symbol('DATABASE_SCHEMA');

/** Applies pending migrations before the service starts taking messages. */
@Injectable()
class MigrateOnStart implements OnModuleInit {
  constructor(
    private readonly dataSource: DataSource,
    private readonly schema: string,
  ) {}

  async onModuleInit(): Promise<void> {
    await runMigrations(this.dataSource, this.schema);
  }
}

@Module({})
export class DatabaseModule {
  static forService(options: ServiceDatabaseOptions): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRoot({
          ...dataSourceOptions(options),
          // Start-up keeps trying while Postgres comes up (Kubernetes restarts us if it never does).
          retryAttempts: 10,
          retryDelay: 2_000,
        }),
      ],
      providers: [
        { provide: SCHEMA, useValue: options.schema },
        { provide: MigrateOnStart, inject: [DataSource, SCHEMA], useFactory: (ds: DataSource, schema: string) => new MigrateOnStart(ds, schema) },
      ],
      exports: [TypeOrmModule],
    };
  }
}
