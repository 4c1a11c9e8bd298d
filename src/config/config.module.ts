import { type DynamicModule, type FactoryProvider, Global, Module } from '@nestjs/common';
import type { ModuleMetadata } from '@nestjs/common';
import { AppConfig } from './app-config.js';

@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: ConfigModule,
      providers: [{ provide: AppConfig, useValue: config }],
      exports: [AppConfig],
    };
  }

  /** Settings made by a factory from the host application's providers (TaskyardModule.forRootAsync). */
  static forRootAsync(
    factory: Omit<FactoryProvider<AppConfig>, 'provide'> & Pick<ModuleMetadata, 'imports'>,
  ): DynamicModule {
    const { imports = [], ...provider } = factory;
    return {
      module: ConfigModule,
      imports,
      providers: [{ provide: AppConfig, ...provider }],
      exports: [AppConfig],
    };
  }
}
