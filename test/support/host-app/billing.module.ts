import { Injectable, Module } from '@nestjs/common';
import { InjectRepository, TypeOrmModule } from '@nestjs/typeorm';
import { IsString } from 'class-validator';
import type { Repository } from 'typeorm';
import {
  type Caller,
  type CreatedTask,
  JobHandler,
  TaskCreator,
  TaskProcessor,
  type TaskContext,
  type TaskProcessorHandler,
} from '../../../src/index.js';
import { Invoice } from './invoice.entity.js';

export class InvoiceTotalPayload {
  @IsString()
  customer: string;
}

/** A task type of the host's: it reads the host's own table through the host's own DataSource. */
@Injectable()
@TaskProcessor('billing.invoice-total', { input: 'payload', payload: InvoiceTotalPayload })
export class InvoiceTotalProcessor implements TaskProcessorHandler {
  constructor(@InjectRepository(Invoice) private readonly invoices: Repository<Invoice>) {}

  async process(task: TaskContext): Promise<{ invoices: number; totalCents: number }> {
    const { customer } = task.payload as InvoiceTotalPayload;
    const invoices = await this.invoices.findBy({ customer });
    task.progress(50, `${invoices.length} invoices read`);
    await task.partial({ invoices: invoices.length });
    const totalCents = invoices.reduce((sum, invoice) => sum + invoice.amountCents, 0);
    return { invoices: invoices.length, totalCents };
  }
}

/** A job type of the host's, beside its task type. */
@Injectable()
export class BillingJobs {
  @JobHandler('billing.reminder', { maxAttempts: 1 })
  remind(payload: { customer: string }): { reminded: string } {
    return { reminded: payload.customer };
  }
}

/** A service of the host's that creates Taskyard tasks: TaskCreator is injected like any provider. */
@Injectable()
export class BillingService {
  constructor(private readonly creator: TaskCreator) {}

  requestTotal(caller: Caller, customer: string): Promise<CreatedTask> {
    return this.creator.create(caller, {
      spec: { type: 'billing.invoice-total', payload: { customer } },
    });
  }
}

@Module({
  imports: [TypeOrmModule.forFeature([Invoice])],
  providers: [InvoiceTotalProcessor, BillingJobs, BillingService],
})
export class BillingModule {}
