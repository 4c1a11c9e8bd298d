import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A table of the host application's own, in its own schema, on its own DataSource. */
@Entity({ name: 'host_invoices' })
export class Invoice {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'text' })
  customer: string;

  @Column({ type: 'integer', name: 'amount_cents' })
  amountCents: number;
}

/** The host's own migration: its tables are not Taskyard's business. */
export const INVOICES_TABLE = `
CREATE TABLE public.host_invoices (
  id           serial PRIMARY KEY,
  customer     text NOT NULL,
  amount_cents integer NOT NULL
)`;
