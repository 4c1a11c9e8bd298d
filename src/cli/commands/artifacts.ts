import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Command } from 'commander';
import type { ContextOf } from '../context.js';
import { bytes, print, printJson } from '../output.js';

export function addArtifactsCommands(program: Command, contextOf: ContextOf): void {
  const artifacts = program.command('artifacts').description("a finished task's output files");

  artifacts
    .command('get')
    .description('download an artifact to a file (-o) or to stdout')
    .argument('<task>', 'the task id')
    .argument('<name>', 'the artifact name, e.g. rejects.csv')
    .option('-o, --output <file>', 'write it to this file instead of stdout')
    .action(async (taskId: string, name: string, flags: { output?: string }, command: Command) => {
      const context = contextOf(command);
      const client = await context.client();
      const { signal } = context;
      if (!flags.output) {
        const body = await client.artifact(taskId, name, { signal });
        await pipeline(Readable.fromWeb(body as never), process.stdout, { signal, end: false });
        return;
      }
      const saved = await client.saveArtifact(taskId, name, flags.output, { signal });
      if (context.json) printJson({ file: flags.output, bytes: saved.bytes });
      else print(`saved ${name} to ${flags.output} (${bytes(saved.bytes)})`);
    });
}
