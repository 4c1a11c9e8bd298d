import { Module } from '@nestjs/common';
import { TasksModule } from '../tasks.module.js';
import { BatchProcessor } from './batch.processor.js';
import { CsvImportProcessor } from './csv-import.processor.js';
import { EchoProcessor } from './echo.processor.js';
import { SleepProcessor } from './sleep.processor.js';
import { TextAnalyzeProcessor } from './text-analyze.processor.js';

/** The task types Taskyard ships; a host application may leave them out (builtInProcessors). */
@Module({
  imports: [TasksModule],
  providers: [
    EchoProcessor,
    SleepProcessor,
    TextAnalyzeProcessor,
    CsvImportProcessor,
    BatchProcessor,
  ],
})
export class BuiltInProcessorsModule {}
